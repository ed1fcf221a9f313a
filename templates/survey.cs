<?cs include:"header.cs" ?><?cs
# The resident's survey after resolution, opened from the SMS link
  /s/TOKEN. Survey.State is open (the form), answered (read only) or
  stale (a link of an earlier round). Survey.Thanks is set right after
  the answer was recorded. No script: plain radio buttons. ?><?cs
def:scale(f, text) ?>
    <fieldset class="field scale<?cs if:Form.Error[f] ?> invalid<?cs /if ?>" id="<?cs var:f ?>" aria-describedby="<?cs var:f ?>-hint">
      <legend><?cs var:text ?> <span class="req">(<?cs var:L.Complaint.Required ?>)</span></legend>
      <p class="hint" id="<?cs var:f ?>-hint"><?cs var:L.Survey.ScaleLow ?> · <?cs var:L.Survey.ScaleHigh ?></p><?cs
  call:field_error(f) ?>
      <div class="choices"><?cs
  loop:n = 1, 5, 1 ?>
        <label><input type="radio" name="<?cs var:f ?>" value="<?cs var:n ?>" required<?cs
    if:Form.Value[f] == n ?> checked<?cs /if ?>> <span><?cs var:n ?></span></label><?cs
  /loop ?>
      </div>
    </fieldset><?cs
/def ?>
  <h1><?cs var:L.Survey.Title ?></h1>
  <p class="lead"><?cs var:L.Survey.Case ?> <span dir="ltr" id="survey-case"><?cs var:Survey.Number ?></span></p><?cs
if:Survey.State == "stale" ?>
  <div class="alert" role="status" id="survey-stale">
    <p><?cs var:L.Survey.Stale ?></p>
  </div>
  <p><a class="button" href="/<?cs var:Page.Lang ?>/track"><?cs var:L.Survey.Track ?></a></p><?cs
elif:Survey.State == "answered" ?><?cs
  if:Survey.Thanks ?>
  <div class="notice" role="status" id="survey-thanks">
    <p><?cs var:L.Survey.Thanks ?></p>
    <p><?cs if:Survey.Answer.Solved == "yes" ?><?cs var:L.Survey.Closed ?><?cs else ?><?cs var:L.Survey.Reopened ?><?cs /if ?></p>
  </div><?cs
  elif:Survey.Answer.Phone ?>
  <p class="notice" id="survey-answered"><?cs var:L.Survey.Phone ?></p><?cs
  else ?>
  <p class="notice" id="survey-answered"><?cs var:L.Survey.Answered ?></p><?cs
  /if ?><?cs
  if:Survey.Answer.Solved ?>
  <h2><?cs var:L.Survey.YourAnswer ?></h2>
  <dl class="facts" id="survey-answer">
    <dt><?cs var:L.Survey.Solved ?></dt>
    <dd id="answer-solved" data-value="<?cs var:Survey.Answer.Solved ?>"><?cs if:Survey.Answer.Solved == "yes" ?><?cs var:L.Survey.Yes ?><?cs else ?><?cs var:L.Survey.No ?><?cs /if ?></dd>
    <dt><?cs var:L.Survey.Satisfaction ?></dt>
    <dd id="answer-satisfaction"><?cs var:Survey.Answer.Satisfaction ?> / 5</dd>
    <dt><?cs var:L.Survey.FirstContact ?></dt>
    <dd id="answer-first-contact"><?cs var:Survey.Answer.FirstContact ?> / 5</dd><?cs
    if:Survey.Answer.Comment ?>
    <dt><?cs var:L.Survey.Comment ?></dt>
    <dd dir="auto" id="answer-comment"><?cs var:Survey.Answer.Comment ?></dd><?cs
    /if ?>
  </dl><?cs
  /if ?><?cs
else ?>
  <p><?cs var:L.Survey.Intro ?></p>
<?cs call:form_errors() ?>
  <form method="post" action="/s/<?cs var:Survey.Token ?>?lang=<?cs var:Page.Lang ?>" class="stack narrow survey">
    <input type="hidden" name="csrf" value="<?cs var:Form.Csrf ?>">
    <fieldset class="field yesno<?cs if:Form.Error.solved ?> invalid<?cs /if ?>" id="solved">
      <legend><?cs var:L.Survey.Solved ?> <span class="req">(<?cs var:L.Complaint.Required ?>)</span></legend><?cs
  call:field_error("solved") ?>
      <div class="choices">
        <label><input type="radio" name="solved" value="yes" required<?cs if:Form.Value.solved == "yes" ?> checked<?cs /if ?>> <span><?cs var:L.Survey.Yes ?></span></label>
        <label><input type="radio" name="solved" value="no" required<?cs if:Form.Value.solved == "no" ?> checked<?cs /if ?>> <span><?cs var:L.Survey.No ?></span></label>
      </div>
    </fieldset>
<?cs call:scale("satisfaction", L.Survey.Satisfaction) ?>
<?cs call:scale("first_contact", L.Survey.FirstContact) ?>
    <div class="field<?cs if:Form.Error.comment ?> invalid<?cs /if ?>">
      <label for="comment"><?cs var:L.Survey.Comment ?></label><?cs
  call:hint("comment", L.Survey.CommentHint) ?><?cs
  call:field_error("comment") ?>
      <textarea id="comment" name="comment" rows="4" maxlength="1000" dir="auto"<?cs call:described("comment", L.Survey.CommentHint) ?>><?cs var:Form.Value.comment ?></textarea>
    </div>
    <p><button type="submit"><?cs var:L.Survey.Submit ?></button></p>
  </form><?cs
/if ?>
<?cs include:"footer.cs" ?>
