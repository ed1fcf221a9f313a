<?cs include:"header.cs" ?><?cs
def:text_area(f, text, rows, max, dir) ?>
    <div class="field<?cs if:Form.Error[f] ?> invalid<?cs /if ?>"><?cs
  call:label(f, text, 1) ?><?cs
  call:field_error(f) ?>
      <textarea id="<?cs var:f ?>" name="<?cs var:f ?>" rows="<?cs var:rows ?>" maxlength="<?cs var:max ?>" dir="<?cs var:dir ?>" required<?cs call:described(f, "") ?>><?cs var:Form.Value[f] ?></textarea>
    </div><?cs
/def ?><?cs
def:pair(f, text, long, rows, max) ?>
    <fieldset class="pair-lang">
      <legend><?cs var:text ?></legend><?cs
  if:long ?><?cs
    call:text_area(f + "_ar", L.Directory.Edit.Arabic, rows, max, "rtl") ?><?cs
    call:text_area(f + "_en", L.Directory.Edit.English, rows, max, "ltr") ?><?cs
  else ?><?cs
    call:text_input(f + "_ar", "text", L.Directory.Edit.Arabic, "", 1, 'dir="rtl" maxlength="' + max + '"') ?><?cs
    call:text_input(f + "_en", "text", L.Directory.Edit.English, "", 1, 'dir="ltr" maxlength="' + max + '"') ?><?cs
  /if ?>
    </fieldset><?cs
/def ?>
  <p class="crumbs"><a href="/agent/services"><?cs var:L.Directory.Title ?></a><?cs if:Edit.Code ?> / <a href="/agent/services/<?cs var:Edit.Code ?>"><?cs var:Edit.Code ?></a><?cs /if ?></p>
  <h1><?cs var:Page.Title ?></h1>
<?cs call:form_errors() ?><?cs
if:Edit.Conflict ?>
  <p id="conflict"><a href="/agent/services/<?cs var:Edit.Code ?>/history"><?cs var:L.Directory.History.Title ?></a> · <a href="/agent/services/<?cs var:Edit.Code ?>/edit"><?cs var:L.Directory.Edit.Reload ?></a></p><?cs
/if ?>
  <form method="post" action="<?cs if:Edit.New ?>/agent/services<?cs else ?>/agent/services/<?cs var:Edit.Code ?>/edit<?cs /if ?>" class="stack wide" id="edit-form">
    <input type="hidden" name="csrf" value="<?cs var:Staff.Csrf ?>"><?cs
if:!Edit.New ?>
    <input type="hidden" name="version" value="<?cs var:Form.Value.version ?>"><?cs
/if ?>
    <p class="hint"><?cs var:L.Directory.Edit.Intro ?></p><?cs
if:Edit.New ?>
<?cs call:text_input("code", "text", L.Directory.Edit.Code, L.Directory.Edit.CodeHint, 1, 'dir="ltr" maxlength="32" pattern="[a-z0-9-]+"') ?><?cs
/if ?>
<?cs call:select("directorate", Ref.Directorates, L.Directory.Edit.Directorate, 1) ?>
<?cs call:pair("name", L.Directory.Edit.Name, 0, 1, 200) ?>
<?cs call:pair("description", L.Service.Description, 1, 5, 4000) ?>
    <p class="hint"><?cs var:L.Directory.Edit.LinesHint ?></p>
<?cs call:pair("steps", L.Service.Steps, 1, 6, 4000) ?>
<?cs call:pair("documents", L.Service.Documents, 1, 5, 4000) ?>
<?cs call:pair("fees", L.Service.Fees, 0, 1, 500) ?>
<?cs call:pair("duration", L.Service.Duration, 0, 1, 200) ?>
<?cs call:pair("where", L.Service.Where, 0, 1, 500) ?>
    <div class="field<?cs if:Form.Error.requestable ?> invalid<?cs /if ?>"><?cs
call:field_error("requestable") ?>
      <label class="choice"><input type="checkbox" id="requestable" name="requestable" value="1"<?cs if:Form.Value.requestable == "1" ?> checked<?cs /if ?>> <?cs var:L.Directory.Edit.Requestable ?></label>
    </div>
<?cs call:select("category", Ref.Categories, L.Directory.Edit.Category, 0) ?>
<?cs call:text_input("ivr_rank", "text", L.Directory.IvrRank, L.Directory.Edit.IvrHint, 0, 'inputmode="numeric" dir="ltr" maxlength="1"') ?>
    <div class="field<?cs if:Form.Error.internal_notes ?> invalid<?cs /if ?>"><?cs
call:label("internal_notes", L.Directory.InternalNotes, 0) ?><?cs
call:field_error("internal_notes") ?>
      <textarea id="internal_notes" name="internal_notes" rows="4" maxlength="4000" dir="auto"<?cs call:described("internal_notes", "") ?>><?cs var:Form.Value.internal_notes ?></textarea>
    </div>
    <div class="field<?cs if:Form.Error.active ?> invalid<?cs /if ?>"><?cs
call:field_error("active") ?>
      <label class="choice"><input type="checkbox" id="active" name="active" value="1"<?cs if:Form.Value.active == "1" ?> checked<?cs /if ?>> <?cs var:L.Directory.Edit.Active ?></label>
    </div>
    <p><button type="submit" id="save"><?cs var:L.Directory.Edit.Save ?></button></p>
  </form>
<?cs include:"footer.cs" ?>
