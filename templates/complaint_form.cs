<?cs include:"header.cs" ?>
  <h1><?cs var:L.Complaint.Title ?></h1>
  <p class="lead"><?cs var:L.Complaint.Intro ?></p>
<?cs call:form_errors() ?>
  <form method="post" action="/<?cs var:Page.Lang ?>/complaints" class="stack">
    <input type="hidden" name="csrf" value="<?cs var:Form.Csrf ?>">
    <input type="hidden" name="form_token" value="<?cs var:Form.Token ?>">
    <fieldset class="field<?cs if:Form.Error.type ?> invalid<?cs /if ?>" id="type">
      <legend><?cs var:L.Complaint.TypeLegend ?></legend><?cs
call:field_error("type") ?>
      <div class="choices"><?cs
each:t = L.Type ?><?cs
  if:name(t) != "service_request" ?>
        <label class="choice"><input type="radio" name="type" value="<?cs name:t ?>"<?cs
    if:Form.Value.type == name(t) || (!Form.Value.type && name(t) == "complaint") ?> checked<?cs /if ?>> <?cs var:t ?></label><?cs
  /if ?><?cs
/each ?>
      </div>
    </fieldset>
<?cs call:select("category", Ref.Categories, L.Complaint.Category, 1) ?>
<?cs call:select("wilayat", Ref.Wilayats, L.Complaint.Wilayat, 1) ?>
<?cs call:text_input("location", "text", L.Complaint.Location, L.Complaint.LocationHint, 0, 'maxlength="200"') ?>
    <fieldset class="field coords<?cs if:Form.Error.lat || Form.Error.lon ?> invalid<?cs /if ?>" id="coords">
      <legend><?cs var:L.Complaint.CoordsLegend ?> <span class="opt">(<?cs var:L.Complaint.Optional ?>)</span></legend>
      <p class="hint" id="lat-hint"><?cs var:L.Complaint.CoordsHint ?></p><?cs
call:field_error("lat") ?><?cs
call:field_error("lon") ?>
      <div class="pair">
        <div><label for="lat"><?cs var:L.Complaint.Lat ?></label>
        <input type="text" id="lat" name="lat" inputmode="decimal" dir="ltr" value="<?cs var:Form.Value.lat ?>"<?cs call:described("lat", "1") ?>></div>
        <div><label for="lon"><?cs var:L.Complaint.Lon ?></label>
        <input type="text" id="lon" name="lon" inputmode="decimal" dir="ltr" value="<?cs var:Form.Value.lon ?>"<?cs call:described("lon", "") ?>></div>
      </div>
      <button type="button" class="secondary" id="locate" hidden data-denied="<?cs var:L.Complaint.LocationDenied ?>"><?cs var:L.Complaint.UseMyLocation ?></button>
      <p class="hint" id="locate-status" role="status"></p>
    </fieldset>
    <div class="field<?cs if:Form.Error.description ?> invalid<?cs /if ?>"><?cs
call:label("description", L.Complaint.Description, 1) ?><?cs
call:hint("description", L.Complaint.DescriptionHint) ?><?cs
call:field_error("description") ?>
      <textarea id="description" name="description" rows="6" required maxlength="4000"<?cs call:described("description", "1") ?>><?cs var:Form.Value.description ?></textarea>
    </div>
<?cs call:text_input("name", "text", L.Complaint.Name, "", 1, 'autocomplete="name" maxlength="100"') ?>
<?cs call:text_input("mobile", "tel", L.Complaint.Mobile, L.Complaint.MobileHint, 1, 'autocomplete="tel" inputmode="tel" dir="ltr"') ?>
<?cs call:text_input("email", "email", L.Complaint.Email, "", 0, 'autocomplete="email" dir="ltr" maxlength="254"') ?>
    <p class="hint"><?cs var:L.Complaint.Privacy ?></p>
    <p><button type="submit"><?cs var:L.Complaint.Submit ?></button></p>
  </form>
  <script src="/static/locate.js" defer></script>
<?cs include:"footer.cs" ?>
