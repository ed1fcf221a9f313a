<?cs include:"header.cs" ?>
  <h1><?cs var:L.Agent.Qa.Title ?></h1>
<?cs call:form_errors() ?>
  <form method="get" action="/agent/qa" class="filters">
    <div class="grid">
<?cs call:text_input("month", "month", L.Agent.Qa.Month, L.Agent.Qa.MonthHint, 0, 'dir="ltr" pattern="[0-9]{4}-[0-9]{2}" placeholder="YYYY-MM"') ?>
    </div>
    <p><button type="submit"><?cs var:L.Agent.Qa.Show ?></button></p>
  </form><?cs
if:Qa.Month ?><?cs
  if:Qa.Sampled > 0 ?>
  <p id="qa-progress"><?cs var:L.Agent.Qa.Progress ?> <span dir="ltr"><?cs var:Qa.Scored ?> / <?cs var:Qa.Sampled ?></span></p>
  <table class="queue" id="qa-cases">
    <thead><tr>
      <th scope="col"><?cs var:L.Agent.Queue.Number ?></th>
      <th scope="col"><?cs var:L.Agent.Qa.Agent ?></th>
      <th scope="col"><?cs var:L.Agent.Queue.Directorate ?></th>
      <th scope="col"><?cs var:L.Agent.Queue.Status ?></th>
      <th scope="col"><?cs var:L.Agent.Queue.Received ?></th>
      <th scope="col"><?cs var:L.Agent.Qa.State ?></th>
    </tr></thead>
    <tbody><?cs
    each:c = Qa.Cases ?>
      <tr data-number="<?cs var:c.Number ?>" data-scored="<?cs var:c.Scored ?>">
        <td><a href="/agent/qa/cases/<?cs var:c.Number ?>" dir="ltr"><?cs var:c.Number ?></a></td>
        <td><?cs if:c.Portal == "1" ?><?cs var:L.Agent.Qa.Portal ?><?cs else ?><?cs var:c.Agent ?><?cs /if ?></td>
        <td><?cs var:c.Directorate ?></td>
        <td><span class="status status-<?cs var:c.Status ?>"><?cs var:L.Status[c.Status] ?></span></td>
        <td><time dir="ltr"><?cs var:c.Created ?></time></td>
        <td><?cs if:c.Scored == "1" ?><?cs var:L.Agent.Qa.ScoredYes ?> <span dir="ltr">(<?cs var:c.SoftSkills ?> · <?cs var:c.TimeToSolve ?> · <?cs var:c.ServiceQuality ?>)</span><?cs else ?><strong><?cs var:L.Agent.Qa.ScoredNo ?></strong><?cs /if ?></td>
      </tr><?cs
    /each ?>
    </tbody>
  </table><?cs
  else ?>
  <p class="empty" id="qa-empty"><?cs var:L.Agent.Qa.NoSample ?></p><?cs
  /if ?><?cs
/if ?>
<?cs include:"footer.cs" ?>
