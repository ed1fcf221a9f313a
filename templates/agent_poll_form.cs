<?cs include:"header.cs" ?><?cs
# The form of a new poll (no Poll.Id) or of a stored one. Once a poll
  has responses (Poll.Locked), only the titles, the closing time and the
  results flag are fields; the questions are shown read only. ?><?cs
def:checkbox(f, text) ?>
    <div class="field check<?cs if:Form.Error[f] ?> invalid<?cs /if ?>"><?cs call:field_error(f) ?>
      <label><input type="checkbox" id="<?cs var:f ?>" name="<?cs var:f ?>" value="1"<?cs if:Form.Value[f] ?> checked<?cs /if ?>> <?cs var:text ?></label>
    </div><?cs
/def ?><?cs
def:slot_input(f, text, extra) ?>
    <div class="field<?cs if:Form.Error[f] ?> invalid<?cs /if ?>">
      <label for="<?cs var:f ?>"><?cs var:text ?></label><?cs
  call:field_error(f) ?>
      <input type="text" id="<?cs var:f ?>" name="<?cs var:f ?>" value="<?cs var:Form.Value[f] ?>"<?cs call:described(f, "") ?> <?cs uvar:extra ?>>
    </div><?cs
/def ?><?cs
def:textarea(f, text, hint, dir) ?>
    <div class="field<?cs if:Form.Error[f] ?> invalid<?cs /if ?>">
      <label for="<?cs var:f ?>"><?cs var:text ?></label><?cs
  call:hint(f, hint) ?><?cs
  call:field_error(f) ?>
      <textarea id="<?cs var:f ?>" name="<?cs var:f ?>" rows="4" dir="<?cs var:dir ?>"<?cs call:described(f, hint) ?>><?cs var:Form.Value[f] ?></textarea>
    </div><?cs
/def ?>
  <p class="back"><a href="/agent/polls"><?cs var:L.Agent.Polls.Title ?></a></p>
  <h1><?cs var:Page.Title ?><?cs if:Poll.Id ?>: <?cs var:Poll.Title ?><?cs /if ?></h1>
<?cs call:form_errors() ?><?cs
if:Poll.Locked == "1" ?>
  <p class="notice" id="poll-locked"><?cs var:L.Agent.Polls.LockedHint ?></p><?cs
/if ?>
  <form method="post" action="/agent/polls<?cs if:Poll.Id ?>/<?cs var:Poll.Id ?><?cs /if ?>" class="stack" id="poll-form">
    <input type="hidden" name="csrf" value="<?cs var:Staff.Csrf ?>"><?cs
if:Poll.Locked != "1" ?>
    <div class="field<?cs if:Form.Error.kind ?> invalid<?cs /if ?>">
      <label for="kind"><?cs var:L.Agent.Polls.Kind ?></label><?cs call:field_error("kind") ?>
      <select id="kind" name="kind"><?cs
  each:k = L.Polls.Kind ?>
        <option value="<?cs name:k ?>"<?cs if:Form.Value.kind == name(k) ?> selected<?cs /if ?>><?cs var:k ?></option><?cs
  /each ?>
      </select>
    </div><?cs
/if ?>
<?cs call:text_input("title_ar", "text", L.Agent.Polls.TitleAr, "", 1, 'dir="rtl" lang="ar"') ?>
<?cs call:text_input("title_en", "text", L.Agent.Polls.TitleEn, "", 1, 'dir="ltr" lang="en"') ?><?cs
if:Poll.Locked != "1" ?>
<?cs call:text_input("opens", "datetime-local", L.Agent.Polls.Opens, L.Agent.Polls.TimeHint, 1, 'dir="ltr"') ?><?cs
/if ?>
<?cs call:text_input("closes", "datetime-local", L.Agent.Polls.Closes, L.Agent.Polls.TimeHint, 1, 'dir="ltr"') ?>
<?cs call:checkbox("show_results", L.Agent.Polls.ShowResults) ?><?cs
if:Poll.Locked == "1" ?>
    <h2><?cs var:L.Agent.Polls.Questions ?></h2>
    <ol class="questions" id="locked-questions"><?cs
  each:q = Poll.Questions ?>
      <li data-kind="<?cs var:q.Kind ?>"><span lang="ar" dir="rtl"><?cs var:q.TextAr ?></span> / <span lang="en" dir="ltr"><?cs var:q.TextEn ?></span> (<?cs var:L.Agent.Polls.QuestionKinds[q.Kind] ?>)<?cs
    if:subcount(q.Choices) > 0 ?>
        <ul><?cs each:c = q.Choices ?>
          <li><span lang="ar" dir="rtl"><?cs var:c.TextAr ?></span> / <span lang="en" dir="ltr"><?cs var:c.TextEn ?></span></li><?cs /each ?>
        </ul><?cs
    /if ?></li><?cs
  /each ?>
    </ol><?cs
else ?>
<?cs call:checkbox("require_mobile", L.Agent.Polls.RequireMobile) ?>
<?cs call:text_input("max_per_address", "text", L.Agent.Polls.MaxPerAddress, L.Agent.Polls.MaxPerAddressHint, 0, 'dir="ltr" inputmode="numeric"') ?>
    <h2><?cs var:L.Agent.Polls.Questions ?></h2>
    <p class="hint"><?cs var:L.Agent.Polls.SlotsHint ?></p><?cs
  each:s = Slots ?><?cs
    set:kind = s.Prefix + "_kind" ?>
    <fieldset class="question-slot" id="slot-<?cs var:s.Number ?>">
      <legend><?cs var:L.Agent.Polls.Question ?> <?cs var:s.Number ?></legend>
      <div class="field<?cs if:Form.Error[kind] ?> invalid<?cs /if ?>">
        <label for="<?cs var:kind ?>"><?cs var:L.Agent.Polls.QuestionKind ?></label><?cs call:field_error(kind) ?>
        <select id="<?cs var:kind ?>" name="<?cs var:kind ?>">
          <option value=""><?cs var:L.Agent.Polls.Unused ?></option><?cs
    each:k = L.Agent.Polls.QuestionKinds ?>
          <option value="<?cs name:k ?>"<?cs if:Form.Value[kind] == name(k) ?> selected<?cs /if ?>><?cs var:k ?></option><?cs
    /each ?>
        </select>
      </div>
<?cs call:slot_input(s.Prefix + "_text_ar", L.Agent.Polls.QuestionAr, 'dir="rtl" lang="ar"') ?>
<?cs call:slot_input(s.Prefix + "_text_en", L.Agent.Polls.QuestionEn, 'dir="ltr" lang="en"') ?>
<?cs call:checkbox(s.Prefix + "_required", L.Agent.Polls.Required) ?>
<?cs call:textarea(s.Prefix + "_choices_ar", L.Agent.Polls.ChoicesAr, L.Agent.Polls.ChoicesHint, "rtl") ?>
<?cs call:textarea(s.Prefix + "_choices_en", L.Agent.Polls.ChoicesEn, "", "ltr") ?>
    </fieldset><?cs
  /each ?><?cs
/if ?>
    <p><button type="submit" id="poll-save"><?cs var:L.Agent.Polls.Save ?></button></p>
  </form>
<?cs include:"footer.cs" ?>
