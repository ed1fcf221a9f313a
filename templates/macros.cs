<?cs # Every variable is written with var:, which escapes HTML. Never use
   alt:, which does not escape: use if/var/else instead. ?><?cs # Shared macros for form fields. A field named f shows the text
   typed in Form.Value[f] and the message in Form.Error[f]. ?><?cs
def:field_error(f) ?><?cs
  if:Form.Error[f] ?>
      <p class="error" id="<?cs var:f ?>-error"><?cs var:Form.Error[f] ?></p><?cs
  /if ?><?cs
/def ?><?cs
def:described(f, hint) ?><?cs
  if:Form.Error[f] ?> aria-invalid="true" aria-describedby="<?cs var:f ?>-error<?cs if:hint ?> <?cs var:f ?>-hint<?cs /if ?>"<?cs
  elif:hint ?> aria-describedby="<?cs var:f ?>-hint"<?cs
  /if ?><?cs
/def ?><?cs
def:label(f, text, required) ?>
      <label for="<?cs var:f ?>"><?cs var:text ?><?cs
  if:required ?> <span class="req">(<?cs var:L.Complaint.Required ?>)</span><?cs
  else ?> <span class="opt">(<?cs var:L.Complaint.Optional ?>)</span><?cs
  /if ?></label><?cs
/def ?><?cs
def:hint(f, text) ?><?cs
  if:text ?>
      <p class="hint" id="<?cs var:f ?>-hint"><?cs var:text ?></p><?cs
  /if ?><?cs
/def ?><?cs
def:text_input(f, type, text, hint, required, extra) ?>
    <div class="field<?cs if:Form.Error[f] ?> invalid<?cs /if ?>"><?cs
  call:label(f, text, required) ?><?cs
  call:hint(f, hint) ?><?cs
  call:field_error(f) ?>
      <input type="<?cs var:type ?>" id="<?cs var:f ?>" name="<?cs var:f ?>" value="<?cs var:Form.Value[f] ?>"<?cs
  if:required ?> required<?cs /if ?><?cs call:described(f, hint) ?> <?cs uvar:extra ?>>
    </div><?cs
/def ?><?cs
def:select(f, list, text, required) ?>
    <div class="field<?cs if:Form.Error[f] ?> invalid<?cs /if ?>"><?cs
  call:label(f, text, required) ?><?cs
  call:field_error(f) ?>
      <select id="<?cs var:f ?>" name="<?cs var:f ?>"<?cs
  if:required ?> required<?cs /if ?><?cs call:described(f, "") ?>>
        <option value=""><?cs var:L.Complaint.Choose ?></option><?cs
  each:item = list ?>
        <option value="<?cs var:item.Code ?>"<?cs
    if:Form.Value[f] == item.Code ?> selected<?cs /if ?>><?cs var:item.Name ?></option><?cs
  /each ?>
      </select>
    </div><?cs
/def ?><?cs
def:form_errors() ?><?cs
  if:Form.HasErrors || Form.Error.form ?>
  <div class="alert" role="alert" id="form-errors" tabindex="-1">
    <h2><?cs var:L.Form.ErrorsTitle ?></h2><?cs
    if:Form.Error.form ?>
    <p><?cs var:Form.Error.form ?></p><?cs
    /if ?>
    <ul><?cs
    each:e = Form.Error ?><?cs
      # The hidden csrf and form_token fields cannot be corrected by the
        resident, and their failure is already in Form.Error.form. ?><?cs
      if:name(e) != "form" && name(e) != "csrf" && name(e) != "form_token" ?>
      <li><a href="#<?cs name:e ?>"><?cs if:L.Field[name(e)] ?><?cs var:L.Field[name(e)] ?>: <?cs /if ?><?cs var:e ?></a></li><?cs
      /if ?><?cs
    /each ?>
    </ul>
  </div><?cs
  /if ?><?cs
/def ?>
