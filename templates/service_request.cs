<?cs include:"header.cs" ?>
  <h1><?cs var:L.Request.Title ?>: <span id="service-name"><?cs var:Service.Name ?></span></h1>
  <p class="lead"><?cs var:L.Request.Intro ?> <a href="/<?cs var:Page.Lang ?>/services/<?cs var:Service.Code ?>"><?cs var:L.Request.Procedure ?></a></p>
<?cs call:form_errors() ?>
  <form method="post" action="/<?cs var:Page.Lang ?>/services/<?cs var:Service.Code ?>/request" enctype="multipart/form-data" class="stack">
    <input type="hidden" name="csrf" value="<?cs var:Form.Csrf ?>">
    <input type="hidden" name="form_token" value="<?cs var:Form.Token ?>"><?cs
if:subcount(Service.Fields) > 0 ?>
    <fieldset class="field" id="service-fields">
      <legend><?cs var:L.Request.FieldsLegend ?></legend><?cs
  each:f = Service.Fields ?><?cs
    if:f.Kind == "choice" ?>
    <div class="field<?cs if:Form.Error[f.Name] ?> invalid<?cs /if ?>"><?cs
      call:label(f.Name, f.Label, f.Required == "1") ?><?cs
      call:hint(f.Name, f.Hint) ?><?cs
      call:field_error(f.Name) ?>
      <select id="<?cs var:f.Name ?>" name="<?cs var:f.Name ?>"<?cs
      if:f.Required == "1" ?> required<?cs /if ?><?cs call:described(f.Name, f.Hint) ?>>
        <option value=""><?cs var:L.Complaint.Choose ?></option><?cs
      each:c = f.Choices ?>
        <option value="<?cs var:c.Code ?>"<?cs
        if:Form.Value[f.Name] == c.Code ?> selected<?cs /if ?>><?cs var:c.Name ?></option><?cs
      /each ?>
      </select>
    </div><?cs
    else ?>
    <div class="field<?cs if:Form.Error[f.Name] ?> invalid<?cs /if ?>"><?cs
      call:label(f.Name, f.Label, f.Required == "1") ?><?cs
      call:hint(f.Name, f.Hint) ?><?cs
      call:field_error(f.Name) ?>
      <input id="<?cs var:f.Name ?>" name="<?cs var:f.Name ?>" value="<?cs var:Form.Value[f.Name] ?>"<?cs
      if:f.Kind == "number" ?> type="text" inputmode="numeric" dir="ltr"<?cs
      elif:f.Kind == "date" ?> type="date" dir="ltr"<?cs if:f.Min ?> min="<?cs var:f.Min ?>"<?cs /if ?><?cs if:f.Max ?> max="<?cs var:f.Max ?>"<?cs /if ?><?cs
      else ?> type="text" maxlength="<?cs var:f.MaxLength ?>"<?cs /if ?><?cs
      if:f.Required == "1" ?> required<?cs /if ?><?cs call:described(f.Name, f.Hint) ?>>
    </div><?cs
    /if ?><?cs
  /each ?>
    </fieldset><?cs
/if ?>
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
call:label("description", L.Request.Description, 1) ?><?cs
call:hint("description", L.Request.DescriptionHint) ?><?cs
call:field_error("description") ?>
      <textarea id="description" name="description" rows="5" required maxlength="4000"<?cs call:described("description", "1") ?>><?cs var:Form.Value.description ?></textarea>
    </div>
    <fieldset class="field files<?cs if:Form.Error.files ?> invalid<?cs /if ?>" id="files">
      <legend><?cs var:L.Request.FilesLegend ?> <span class="opt">(<?cs var:L.Complaint.Optional ?>)</span></legend>
      <p class="hint" id="files-hint"><?cs var:Attach.Hint ?></p><?cs
call:field_error("files") ?><?cs
if:Form.HasErrors || Form.Error.form ?>
      <p class="hint" id="files-again"><?cs var:L.Request.FilesAgain ?></p><?cs
/if ?><?cs
each:slot = Attach.Slots ?>
      <div class="file<?cs if:Form.Error[slot] ?> invalid<?cs /if ?>"><?cs
  call:field_error(slot) ?>
        <label for="<?cs var:slot ?>"><?cs var:L.Request.File ?> <?cs name:slot ?></label>
        <input type="file" id="<?cs var:slot ?>" name="<?cs var:slot ?>" accept="image/jpeg,image/png,image/heic,image/heif,application/pdf,.heic,.heif"<?cs call:described(slot, "") ?>>
      </div><?cs
/each ?>
    </fieldset>
<?cs call:text_input("name", "text", L.Complaint.Name, "", 1, 'autocomplete="name" maxlength="100"') ?>
<?cs call:text_input("mobile", "tel", L.Complaint.Mobile, L.Complaint.MobileHint, 1, 'autocomplete="tel" inputmode="tel" dir="ltr"') ?>
<?cs call:text_input("email", "email", L.Complaint.Email, "", 0, 'autocomplete="email" dir="ltr" maxlength="254"') ?>
    <p class="hint"><?cs var:L.Complaint.Privacy ?></p>
    <p><button type="submit"><?cs var:L.Request.Submit ?></button></p>
  </form>
  <script src="/static/locate.js" defer></script>
<?cs include:"footer.cs" ?>
