<?cs include:"header.cs" ?><?cs include:"poll_results.cs" ?><?cs
# One poll or questionnaire. Poll.View is form (the questions), code (a
  poll that needs a confirmed mobile, before the SMS code is sent),
  answered, closed or upcoming. Each question q is a field named "q"
  and its id; what was typed comes back in Form.Value and, for several
  choices, Form.Checked. ?>
  <p class="back"><a href="/<?cs var:Page.Lang ?>/polls"><?cs var:L.Polls.Back ?></a></p>
  <h1 id="poll-title"><?cs var:Poll.Title ?></h1>
  <p class="lead"><span class="kind"><?cs var:L.Polls.Kind[Poll.Kind] ?></span> · <?cs var:L.Polls.Closes ?> <time dir="ltr"><?cs var:Poll.Closes ?></time></p>
<?cs call:form_errors() ?><?cs
if:Poll.View == "upcoming" ?>
  <p class="notice" id="poll-upcoming"><?cs var:L.Polls.Upcoming ?> <?cs var:L.Polls.Opens ?> <time dir="ltr"><?cs var:Poll.Opens ?></time></p><?cs
elif:Poll.View == "closed" || Poll.View == "answered" ?><?cs
  if:Poll.Thanks ?>
  <p class="notice" role="status" id="poll-thanks"><?cs var:L.Polls.Thanks ?></p><?cs
  elif:Poll.View == "answered" ?>
  <p class="notice" id="poll-answered"><?cs var:L.Polls.Answered ?></p><?cs
  else ?>
  <p class="notice" id="poll-closed"><?cs var:L.Polls.Closed ?></p><?cs
  /if ?><?cs
  if:Poll.Results ?>
  <h2><?cs var:L.Polls.Results ?></h2>
  <p id="poll-responses"><?cs var:L.Polls.Responses ?>: <span class="count"><?cs var:Poll.Responses ?></span></p><?cs
    each:q = Poll.Questions ?><?cs call:poll_results(q, 0) ?><?cs /each ?><?cs
  else ?>
  <p id="poll-results-hidden"><?cs var:L.Polls.ResultsHidden ?></p><?cs
  /if ?><?cs
elif:Poll.View == "code" ?>
  <p><?cs var:L.Polls.MobileNeeded ?></p>
  <form method="post" action="/<?cs var:Page.Lang ?>/polls/code/<?cs var:Poll.Id ?>" class="stack narrow" id="code-form">
    <input type="hidden" name="csrf" value="<?cs var:Form.Csrf ?>">
<?cs call:text_input("mobile", "tel", L.Polls.Mobile, L.Polls.MobileHint, 1, 'dir="ltr" autocomplete="tel" inputmode="tel"') ?>
    <p><button type="submit"><?cs var:L.Polls.SendCode ?></button></p>
  </form><?cs
else ?>
  <form method="post" action="/<?cs var:Page.Lang ?>/polls/<?cs var:Poll.Id ?>" class="stack narrow poll" id="poll-form">
    <input type="hidden" name="csrf" value="<?cs var:Form.Csrf ?>"><?cs
  if:Poll.RequireMobile == "1" ?><?cs
    if:Poll.CodeSent ?>
    <p class="notice" role="status" id="code-sent"><?cs var:L.Polls.CodeSent ?></p><?cs
    /if ?>
<?cs call:text_input("mobile", "tel", L.Polls.Mobile, "", 1, 'dir="ltr" autocomplete="tel" inputmode="tel"') ?>
<?cs call:text_input("code", "text", L.Polls.Code, L.Polls.CodeHint, 1, 'dir="ltr" autocomplete="one-time-code" inputmode="numeric"') ?><?cs
  /if ?><?cs
  each:q = Poll.Questions ?><?cs
    set:f = "q" + q.Id ?>
    <fieldset class="field question<?cs if:Form.Error[f] ?> invalid<?cs /if ?>" id="<?cs var:f ?>" data-kind="<?cs var:q.Kind ?>">
      <legend><?cs var:q.Number ?>. <?cs var:q.Text ?> <?cs
    if:q.Required == "1" ?><span class="req">(<?cs var:L.Complaint.Required ?>)</span><?cs
    else ?><span class="opt">(<?cs var:L.Polls.Optional ?>)</span><?cs /if ?></legend><?cs
    call:field_error(f) ?><?cs
    if:q.Kind == "single" ?>
      <div class="choices"><?cs
      each:c = q.Choices ?>
        <label><input type="radio" name="<?cs var:f ?>" value="<?cs var:c.Id ?>"<?cs if:Form.Value[f] == c.Id ?> checked<?cs /if ?>> <span><?cs var:c.Text ?></span></label><?cs
      /each ?>
      </div><?cs
    elif:q.Kind == "multiple" ?>
      <div class="choices"><?cs
      each:c = q.Choices ?>
        <label><input type="checkbox" name="<?cs var:f ?>" value="<?cs var:c.Id ?>"<?cs if:Form.Checked[f][c.Id] ?> checked<?cs /if ?>> <span><?cs var:c.Text ?></span></label><?cs
      /each ?>
      </div><?cs
    elif:q.Kind == "scale" ?>
      <p class="hint"><?cs var:L.Polls.ScaleLow ?> · <?cs var:L.Polls.ScaleHigh ?></p>
      <div class="choices scale"><?cs
      loop:n = 1, 5, 1 ?>
        <label><input type="radio" name="<?cs var:f ?>" value="<?cs var:n ?>"<?cs if:Form.Value[f] == n ?> checked<?cs /if ?>> <span><?cs var:n ?></span></label><?cs
      /loop ?>
      </div><?cs
    else ?>
      <p class="hint"><?cs var:L.Polls.AnswerHint ?></p>
      <textarea name="<?cs var:f ?>" rows="4" maxlength="1000" dir="auto" aria-label="<?cs var:q.Text ?>"><?cs var:Form.Value[f] ?></textarea><?cs
    /if ?>
    </fieldset><?cs
  /each ?>
    <p><button type="submit"><?cs var:L.Polls.Submit ?></button></p>
  </form><?cs
/if ?>
<?cs include:"footer.cs" ?>
