<?cs include:"header.cs" ?>
  <div class="dashboard" id="dashboard">
  <h1><?cs var:L.Agent.Dashboard.Title ?></h1>
  <p class="hint" id="dashboard-updated"><?cs var:L.Agent.Dashboard.Updated ?> <time dir="ltr"><?cs var:Dashboard.Updated ?></time>. <?cs var:L.Agent.Dashboard.Refresh ?></p><?cs
if:Dashboard.Scoped ?>
  <p class="notice" id="dashboard-scoped"><?cs var:L.Agent.Dashboard.Scoped ?></p><?cs
/if ?>
  <div class="table-scroll">
    <table class="figures" id="dashboard-figures">
      <thead><tr>
        <td></td>
        <th scope="col"><?cs var:L.Agent.Dashboard.Figure.Received ?></th>
        <th scope="col"><?cs var:L.Agent.Dashboard.Figure.Resolved ?></th>
        <th scope="col"><?cs var:L.Agent.Dashboard.Figure.Closed ?></th>
        <th scope="col"><?cs var:L.Agent.Dashboard.Figure.Open ?></th>
        <th scope="col"><?cs var:L.Agent.Dashboard.Figure.Overdue ?></th>
      </tr></thead>
      <tbody><?cs
  def:figure_row(id, label, f) ?>
        <tr id="figures-<?cs var:id ?>">
          <th scope="row"><?cs var:label ?></th>
          <td class="received"><?cs var:f.Received ?></td>
          <td class="resolved"><?cs var:f.Resolved ?></td>
          <td class="closed"><?cs var:f.Closed ?></td>
          <td class="open"><?cs var:f.Open ?></td>
          <td class="overdue"><?cs var:f.Overdue ?></td>
        </tr><?cs
  /def ?><?cs
  call:figure_row("today", L.Agent.Dashboard.Today, Dashboard.Today) ?><?cs
  call:figure_row("month", L.Agent.Dashboard.Month, Dashboard.Month) ?>
      </tbody>
    </table>
  </div>
  <p class="hint"><?cs var:L.Agent.Dashboard.Explain ?></p>
  <h2><?cs var:L.Agent.Dashboard.OverdueTitle ?></h2><?cs
if:subcount(Dashboard.Overdue) > 0 ?>
  <div class="table-scroll">
    <table class="queue" id="dashboard-overdue">
      <thead><tr>
        <th scope="col"><?cs var:L.Agent.Queue.Directorate ?></th>
        <th scope="col"><?cs var:L.Agent.Dashboard.Figure.Overdue ?></th>
        <th scope="col"><?cs var:L.Agent.Dashboard.Oldest ?></th>
        <th scope="col"><?cs var:L.Agent.Dashboard.Due ?></th>
      </tr></thead>
      <tbody><?cs
    each:o = Dashboard.Overdue ?>
        <tr data-directorate="<?cs var:o.Code ?>">
          <th scope="row"><?cs var:o.Directorate ?></th>
          <td class="count"><?cs var:o.Count ?></td>
          <td><a dir="ltr" href="/agent/cases/<?cs var:url_escape(o.OldestNumber) ?>"><?cs var:o.OldestNumber ?></a></td>
          <td><time dir="ltr"><?cs var:o.OldestDue ?></time></td>
        </tr><?cs
    /each ?>
      </tbody>
    </table>
  </div><?cs
else ?>
  <p class="empty" id="dashboard-overdue-none"><?cs var:L.Agent.Dashboard.NoOverdue ?></p><?cs
/if ?>
  <h2><?cs var:L.Agent.Dashboard.ExecutiveTitle ?></h2><?cs
if:subcount(Dashboard.Executive) > 0 ?>
  <div class="table-scroll">
    <table class="queue" id="dashboard-executive">
      <thead><tr>
        <th scope="col"><?cs var:L.Agent.Queue.Number ?></th>
        <th scope="col"><?cs var:L.Agent.Queue.Directorate ?></th>
        <th scope="col"><?cs var:L.Track.Category ?></th>
        <th scope="col"><?cs var:L.Track.Status ?></th>
        <th scope="col"><?cs var:L.Agent.Dashboard.Due ?></th>
        <th scope="col"><?cs var:L.Agent.Dashboard.EscalatedAt ?></th>
      </tr></thead>
      <tbody><?cs
    each:c = Dashboard.Executive ?>
        <tr data-number="<?cs var:c.Number ?>">
          <td><a dir="ltr" href="/agent/cases/<?cs var:url_escape(c.Number) ?>"><?cs var:c.Number ?></a></td>
          <td><?cs var:c.Directorate ?></td>
          <td><?cs var:c.Category ?></td>
          <td><?cs var:L.Status[c.Status] ?></td>
          <td><time dir="ltr"><?cs var:c.Due ?></time></td>
          <td><time dir="ltr"><?cs var:c.EscalatedAt ?></time></td>
        </tr><?cs
    /each ?>
      </tbody>
    </table>
  </div><?cs
else ?>
  <p class="empty" id="dashboard-executive-none"><?cs var:L.Agent.Dashboard.NoExecutive ?></p><?cs
/if ?>
  <h2><?cs var:L.Agent.Dashboard.LatestTitle ?></h2><?cs
if:subcount(Dashboard.Latest) > 0 ?>
  <div class="table-scroll">
    <table class="queue" id="dashboard-latest">
      <thead><tr>
        <th scope="col"><?cs var:L.Agent.Queue.Number ?></th>
        <th scope="col"><?cs var:L.Agent.Dashboard.Received ?></th>
        <th scope="col"><?cs var:L.Agent.Queue.Directorate ?></th>
        <th scope="col"><?cs var:L.Track.Category ?></th>
        <th scope="col"><?cs var:L.Agent.Queue.Priority ?></th>
        <th scope="col"><?cs var:L.Track.Status ?></th>
      </tr></thead>
      <tbody><?cs
    each:c = Dashboard.Latest ?>
        <tr data-number="<?cs var:c.Number ?>">
          <td><a dir="ltr" href="/agent/cases/<?cs var:url_escape(c.Number) ?>"><?cs var:c.Number ?></a></td>
          <td><time dir="ltr"><?cs var:c.Created ?></time></td>
          <td><?cs var:c.Directorate ?></td>
          <td><?cs var:c.Category ?></td>
          <td><?cs var:L.Priority[c.Priority] ?></td>
          <td><?cs var:L.Status[c.Status] ?></td>
        </tr><?cs
    /each ?>
      </tbody>
    </table>
  </div><?cs
else ?>
  <p class="empty" id="dashboard-latest-none"><?cs var:L.Agent.Dashboard.NoCases ?></p><?cs
/if ?>
  </div>
<?cs include:"footer.cs" ?>
