<?cs include:"header.cs" ?><?cs include:"poll_results.cs" ?>
  <p class="back"><a href="/agent/polls"><?cs var:L.Agent.Polls.Title ?></a></p>
  <h1><?cs var:Poll.Title ?></h1><?cs
if:Page.Saved ?>
  <p class="notice" role="status" id="poll-saved"><?cs var:L.Agent.Polls.Saved ?></p><?cs
/if ?>
  <dl class="facts" id="poll-facts">
    <dt><?cs var:L.Agent.Polls.Kind ?></dt>
    <dd><?cs var:L.Polls.Kind[Poll.Kind] ?> · <span id="poll-state" data-state="<?cs var:Poll.State ?>"><?cs var:L.Agent.Polls.State[Poll.State] ?></span></dd>
    <dt><?cs var:L.Agent.Polls.Opens ?></dt>
    <dd><time dir="ltr"><?cs var:Poll.Opens ?></time></dd>
    <dt><?cs var:L.Agent.Polls.Closes ?></dt>
    <dd><time dir="ltr"><?cs var:Poll.Closes ?></time></dd>
    <dt><?cs var:L.Agent.Polls.Responses ?></dt>
    <dd id="poll-responses"><?cs var:Poll.Responses ?></dd><?cs
if:Poll.RequireMobile == "1" ?>
    <dt><?cs var:L.Agent.Polls.RequireMobile ?></dt>
    <dd>✓</dd><?cs
/if ?><?cs
if:Poll.ShowResults == "1" ?>
    <dt><?cs var:L.Agent.Polls.ShowResults ?></dt>
    <dd>✓</dd><?cs
/if ?>
  </dl>
  <p><a class="button" id="poll-csv" href="/agent/polls/results/<?cs var:Poll.Id ?>?format=csv"><?cs var:L.Agent.Polls.Csv ?></a><?cs
if:Staff.Can.polls_admin ?> <a class="button secondary" id="poll-edit" href="/agent/polls/<?cs var:Poll.Id ?>"><?cs var:L.Agent.Polls.EditLink ?></a><?cs
/if ?></p><?cs
each:q = Poll.Questions ?><?cs call:poll_results(q, 1) ?><?cs /each ?>
<?cs include:"footer.cs" ?>
