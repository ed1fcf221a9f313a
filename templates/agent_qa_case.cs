<?cs include:"header.cs" ?><?cs
def:score_field(f, text) ?>
    <fieldset class="field score<?cs if:Form.Error[f] ?> invalid<?cs /if ?>" id="<?cs var:f ?>">
      <legend><?cs var:text ?></legend><?cs
  call:field_error(f) ?><?cs
  loop:n = 1, 5, 1 ?>
      <label><input type="radio" name="<?cs var:f ?>" value="<?cs var:n ?>"<?cs if:Form.Value[f] == n ?> checked<?cs /if ?> required> <?cs var:n ?></label><?cs
  /loop ?>
    </fieldset><?cs
/def ?>
  <h1><?cs var:L.Agent.Qa.CaseTitle ?> <span dir="ltr" id="case-number"><?cs var:Case.Number ?></span></h1>
  <p><a href="/agent/qa?month=<?cs var:url_escape(Qa.Month) ?>"><?cs var:L.Agent.Qa.Back ?></a></p><?cs
if:Page.Done ?>
  <p class="notice" role="status" id="done"><?cs var:L.Agent.Qa.Saved ?></p><?cs
/if ?>
<?cs call:form_errors() ?>
  <div class="case-grid">
  <section class="result">
    <dl class="facts">
      <dt><?cs var:L.Agent.Qa.Agent ?></dt>
      <dd id="qa-agent"><?cs if:Qa.Portal == "1" ?><?cs var:L.Agent.Qa.Portal ?><?cs else ?><?cs var:Qa.Agent ?><?cs /if ?></dd>
      <dt><?cs var:L.Track.Status ?></dt>
      <dd><span class="status status-<?cs var:Case.Status ?>" id="case-status" data-status="<?cs var:Case.Status ?>"><?cs var:L.Status[Case.Status] ?></span></dd>
      <dt><?cs var:L.Track.Type ?></dt>
      <dd><?cs var:L.Type[Case.Type] ?></dd>
      <dt><?cs var:L.Agent.Queue.Channel ?></dt>
      <dd><?cs var:L.Channel[Case.Channel] ?></dd>
      <dt><?cs var:L.Track.Category ?></dt>
      <dd><?cs var:Case.CategoryName ?></dd>
      <dt><?cs var:L.Agent.Queue.Directorate ?></dt>
      <dd><?cs var:Case.DirectorateName ?></dd>
      <dt><?cs var:L.Agent.Queue.Received ?></dt>
      <dd><time dir="ltr"><?cs var:Case.Created ?></time></dd>
    </dl>
    <p class="description" id="case-description" dir="auto"><?cs var:Case.Description ?></p>
    <h2><?cs var:L.Track.History ?></h2>
    <ol class="history" id="history"><?cs
each:e = Case.Events ?>
      <li class="<?cs if:e.Public == "1" ?>public<?cs else ?>internal<?cs /if ?>" data-kind="<?cs var:e.Kind ?>"><time dir="ltr"><?cs var:e.At ?></time>
        <strong><?cs if:L.Agent.Event[e.Kind] ?><?cs var:L.Agent.Event[e.Kind] ?><?cs else ?><?cs var:e.Kind ?><?cs /if ?></strong><?cs
  if:e.To && e.From ?> <span class="move"><?cs var:L.Status[e.From] ?> <?cs if:Page.Dir == "rtl" ?>←<?cs else ?>→<?cs /if ?> <?cs var:L.Status[e.To] ?></span><?cs /if ?>
        <span class="actor"><?cs if:e.Actor ?><?cs var:e.Actor ?><?cs else ?><?cs var:L.Agent.Actor[e.ActorKind] ?><?cs /if ?></span><?cs
  if:e.Note ?>
        <p class="note" dir="auto"><?cs var:e.Note ?></p><?cs
  /if ?></li><?cs
/each ?>
    </ol>
    <h2><?cs var:L.Agent.Qa.Survey ?></h2><?cs
if:subcount(Qa.Surveys) > 0 ?>
    <dl class="facts" id="survey"><?cs
  each:s = Qa.Surveys ?>
      <dt><?cs var:L.Agent.Qa.Round ?> <?cs var:s.Round ?></dt>
      <dd><?cs var:L.Agent.Qa.Sent ?> <time dir="ltr"><?cs var:s.Sent ?></time><?cs
    if:s.Answered ?> · <?cs var:L.Agent.Qa.Answered ?> <time dir="ltr"><?cs var:s.Answered ?></time><?cs
    elif:s.ByPhone ?> · <?cs var:L.Agent.Qa.ByPhone ?> <time dir="ltr"><?cs var:s.ByPhone ?></time><?cs
    else ?> · <?cs var:L.Agent.Qa.NotAnswered ?><?cs
    /if ?></dd><?cs
    if:s.Answered ?>
      <dt><?cs var:L.Agent.Qa.Solved ?></dt>
      <dd><?cs if:s.Solved == "1" ?><?cs var:L.Agent.Qa.Yes ?><?cs else ?><?cs var:L.Agent.Qa.No ?><?cs /if ?></dd><?cs
      if:s.Satisfaction ?>
      <dt><?cs var:L.Agent.Qa.Satisfaction ?></dt>
      <dd dir="ltr"><?cs var:s.Satisfaction ?> / 5</dd><?cs
      /if ?><?cs
      if:s.FirstContact ?>
      <dt><?cs var:L.Agent.Qa.FirstContact ?></dt>
      <dd dir="ltr"><?cs var:s.FirstContact ?> / 5</dd><?cs
      /if ?><?cs
      if:s.Comment ?>
      <dt><?cs var:L.Agent.Qa.Comment ?></dt>
      <dd dir="auto"><?cs var:s.Comment ?></dd><?cs
      /if ?><?cs
    /if ?><?cs
  /each ?>
    </dl><?cs
else ?>
    <p class="empty" id="survey-none"><?cs var:L.Agent.Qa.NoSurvey ?></p><?cs
/if ?>
  </section>
  <section class="actions" aria-label="<?cs var:L.Agent.Qa.Score ?>">
    <form method="post" action="/agent/qa/cases/<?cs var:Case.Number ?>" class="action" id="qa-score">
      <input type="hidden" name="csrf" value="<?cs var:Staff.Csrf ?>">
      <h2><?cs var:L.Agent.Qa.Score ?></h2>
      <p class="hint"><?cs var:L.Agent.Qa.Scale ?></p><?cs
call:score_field("soft_skills", L.Agent.Qa.SoftSkills) ?><?cs
call:score_field("time_to_solve", L.Agent.Qa.TimeToSolve) ?><?cs
call:score_field("service_quality", L.Agent.Qa.ServiceQuality) ?>
      <div class="field<?cs if:Form.Error.notes ?> invalid<?cs /if ?>">
        <label for="notes"><?cs var:L.Agent.Qa.Notes ?> <span class="opt">(<?cs var:L.Complaint.Optional ?>)</span></label><?cs
call:field_error("notes") ?>
        <textarea id="notes" name="notes" rows="5" maxlength="2000"<?cs call:described("notes", "") ?>><?cs var:Form.Value.notes ?></textarea>
      </div><?cs
if:Qa.Updated ?>
      <p class="hint" id="qa-last"><?cs var:L.Agent.Qa.LastScored ?> <?cs var:Qa.Reviewer ?>, <time dir="ltr"><?cs var:Qa.Updated ?></time></p><?cs
/if ?>
      <p><button type="submit"><?cs var:L.Agent.Qa.Save ?></button></p>
    </form>
  </section>
  </div>
<?cs include:"footer.cs" ?>
