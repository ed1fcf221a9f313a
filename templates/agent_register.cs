<?cs include:"header.cs" ?>
  <h1><?cs var:L.Agent.Register.Title ?></h1>
<?cs call:form_errors() ?>
  <form method="post" action="/agent/register" class="stack">
    <input type="hidden" name="csrf" value="<?cs var:Staff.Csrf ?>">
    <input type="hidden" name="form_token" value="<?cs var:Form.Token ?>">
    <div class="grid">
    <div class="field<?cs if:Form.Error.channel ?> invalid<?cs /if ?>">
      <label for="channel"><?cs var:L.Agent.Queue.Channel ?></label><?cs call:field_error("channel") ?>
      <select id="channel" name="channel"><?cs
each:c = L.Agent.StaffChannel ?>
        <option value="<?cs name:c ?>"<?cs if:Form.Value.channel == name(c) ?> selected<?cs /if ?>><?cs var:c ?></option><?cs
/each ?>
      </select>
    </div>
    <div class="field<?cs if:Form.Error.type ?> invalid<?cs /if ?>">
      <label for="type"><?cs var:L.Track.Type ?></label><?cs call:field_error("type") ?>
      <select id="type" name="type"><?cs
each:t = L.Type ?><?cs
  if:name(t) != "service_request" ?>
        <option value="<?cs name:t ?>"<?cs if:Form.Value.type == name(t) ?> selected<?cs /if ?>><?cs var:t ?></option><?cs
  /if ?><?cs
/each ?>
      </select>
    </div>
    <div class="field<?cs if:Form.Error.lang ?> invalid<?cs /if ?>">
      <label for="lang"><?cs var:L.Agent.Case.Language ?></label><?cs call:field_error("lang") ?>
      <select id="lang" name="lang"><?cs
each:l = L.Agent.Language ?>
        <option value="<?cs name:l ?>"<?cs if:Form.Value.lang == name(l) ?> selected<?cs /if ?>><?cs var:l ?></option><?cs
/each ?>
      </select>
    </div>
    </div>
<?cs call:text_input("mobile", "tel", L.Complaint.Mobile, L.Complaint.MobileHint, 1, 'autocomplete="off" inputmode="tel" dir="ltr"') ?>
<?cs call:text_input("name", "text", L.Agent.Case.ResidentName, "", 1, 'autocomplete="off" maxlength="100"') ?>
<?cs call:text_input("email", "email", L.Complaint.Email, "", 0, 'autocomplete="off" dir="ltr" maxlength="254"') ?>
<?cs call:select("category", Ref.Categories, L.Complaint.Category, 1) ?>
<?cs call:select("wilayat", Ref.Wilayats, L.Complaint.Wilayat, 1) ?>
<?cs call:text_input("location", "text", L.Complaint.Location, L.Complaint.LocationHint, 0, 'maxlength="200"') ?>
    <div class="pair"><?cs call:field_error("lat") ?>
      <div><label for="lat"><?cs var:L.Complaint.Lat ?> <span class="opt">(<?cs var:L.Complaint.Optional ?>)</span></label>
      <input type="text" id="lat" name="lat" inputmode="decimal" dir="ltr" value="<?cs var:Form.Value.lat ?>"></div>
      <div><label for="lon"><?cs var:L.Complaint.Lon ?></label>
      <input type="text" id="lon" name="lon" inputmode="decimal" dir="ltr" value="<?cs var:Form.Value.lon ?>"></div>
    </div>
    <div class="field<?cs if:Form.Error.description ?> invalid<?cs /if ?>"><?cs
call:label("description", L.Complaint.Description, 1) ?><?cs
call:field_error("description") ?>
      <textarea id="description" name="description" rows="6" required maxlength="4000"<?cs call:described("description", "") ?>><?cs var:Form.Value.description ?></textarea>
    </div>
    <p><button type="submit"><?cs var:L.Agent.Register.Submit ?></button></p>
  </form>
<?cs include:"footer.cs" ?>
