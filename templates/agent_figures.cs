<?cs include:"header.cs" ?>
  <h1><?cs var:L.Agent.Reports.Title ?></h1>
  <nav class="tabs" aria-label="<?cs var:L.Agent.Figures.Views ?>">
    <a href="/agent/reports?view=cases" id="view-cases" aria-current="page"><?cs var:L.Agent.Figures.CasesView ?></a>
    <a href="/agent/reports?view=qa" id="view-qa"><?cs var:L.Agent.Figures.QaView ?></a>
    <a href="/agent/reports/spots" id="view-spots"><?cs var:L.Agent.Spots.Tab ?></a>
    <a href="/agent/reports/calls" id="view-calls"><?cs var:L.Agent.CallFigures.Tab ?></a>
  </nav><?cs
if:Report.Scoped ?>
  <p class="notice" id="report-scoped"><?cs var:L.Agent.Reports.Scoped ?></p><?cs
/if ?>
<?cs call:form_errors() ?>
  <form method="get" action="/agent/reports" class="filters">
    <input type="hidden" name="view" value="cases">
    <div class="grid">
<?cs call:text_input("from", "date", L.Agent.Figures.From, L.Agent.Figures.DateHint, 0, 'dir="ltr"') ?>
<?cs call:text_input("to", "date", L.Agent.Figures.To, L.Agent.Figures.DateHint, 0, 'dir="ltr"') ?>
      <div class="field">
        <label for="group"><?cs var:L.Agent.Reports.Group ?></label>
        <select id="group" name="group"><?cs
each:g = L.Agent.Figures.By ?>
          <option value="<?cs name:g ?>"<?cs if:Figures.Group == name(g) ?> selected<?cs /if ?>><?cs var:g ?></option><?cs
/each ?>
        </select>
      </div>
      <div class="field">
        <label for="trend"><?cs var:L.Agent.Figures.TrendBy ?></label>
        <select id="trend" name="trend"><?cs
each:t = L.Agent.Figures.Trend ?>
          <option value="<?cs name:t ?>"<?cs if:Figures.TrendBy == name(t) ?> selected<?cs /if ?>><?cs var:t ?></option><?cs
/each ?>
        </select>
      </div>
    </div>
    <p><button type="submit"><?cs var:L.Agent.Qa.Show ?></button></p>
  </form><?cs
if:Figures.From ?><?cs
  set:query = "view=cases&from=" + url_escape(Figures.From) + "&to=" + url_escape(Figures.To) + "&group=" + url_escape(Figures.Group) + "&trend=" + url_escape(Figures.TrendBy) ?><?cs
  if:subcount(Figures.Rows) > 0 ?>
  <h2><?cs var:L.Agent.Figures.By[Figures.Group] ?></h2>
  <figure class="chart">
    <svg dir="ltr" id="chart-groups" role="img" aria-labelledby="chart-groups-title" viewBox="0 -10 <?cs var:Figures.Chart.Width ?> <?cs var:Figures.Chart.Height + 40 ?>" width="100%" preserveAspectRatio="xMinYMin meet">
      <title id="chart-groups-title"><?cs var:L.Agent.Figures.ChartGroups ?></title>
      <line x1="0" y1="<?cs var:Figures.Chart.Height ?>" x2="<?cs var:Figures.Chart.Width ?>" y2="<?cs var:Figures.Chart.Height ?>" stroke="#555"/><?cs
    each:b = Figures.Bars ?>
      <g class="group">
        <rect class="bar received" x="<?cs var:b.X ?>" y="<?cs var:b.Y ?>" width="<?cs var:Figures.Bar.Width ?>" height="<?cs var:b.Height ?>" fill="#1f5f8b"><title><?cs var:b.Label ?>: <?cs var:L.Agent.Figures.Received ?> <?cs var:b.Received ?></title></rect>
        <rect class="bar resolved" x="<?cs var:b.ResolvedX ?>" y="<?cs var:b.ResolvedY ?>" width="<?cs var:Figures.Bar.Width ?>" height="<?cs var:b.ResolvedHeight ?>" fill="#7fb069"><title><?cs var:b.Label ?>: <?cs var:L.Agent.Figures.Resolved ?> <?cs var:b.Resolved ?></title></rect>
        <text x="<?cs var:b.LabelX ?>" y="<?cs var:Figures.Chart.Height + 16 ?>" text-anchor="middle" font-size="11"><?cs var:b.Short ?></text>
      </g><?cs
    /each ?>
    </svg>
    <figcaption><?cs var:L.Agent.Figures.Legend ?></figcaption>
  </figure>
  <p><a class="button" id="figures-csv" href="/agent/reports?<?cs var:query ?>&amp;format=csv"><?cs var:L.Agent.Reports.Csv ?></a></p>
  <div class="table-scroll">
  <table class="queue report" id="figures">
    <thead><tr>
      <th scope="col"><?cs var:L.Agent.Figures.By[Figures.Group] ?></th>
      <th scope="col"><?cs var:L.Agent.Figures.Received ?></th>
      <th scope="col"><?cs var:L.Agent.Figures.Resolved ?></th>
      <th scope="col"><?cs var:L.Agent.Figures.Share ?></th>
      <th scope="col"><?cs var:L.Agent.Figures.Confirmed ?></th>
      <th scope="col"><?cs var:L.Agent.Figures.Overdue ?></th>
      <th scope="col"><?cs var:L.Agent.Figures.Median ?></th>
      <th scope="col"><?cs var:L.Agent.Figures.P90 ?></th><?cs
      if:Figures.Group == "agent" ?>
      <th scope="col"><?cs var:L.Agent.Figures.Handled ?></th><?cs
      /if ?>
    </tr></thead>
    <tbody><?cs
    each:r = Figures.Rows ?>
      <tr data-key="<?cs var:r.Key ?>">
        <th scope="row"><?cs if:r.Name ?><?cs var:r.Name ?><?cs elif:r.Key ?><span dir="ltr"><?cs var:r.Key ?></span><?cs else ?><?cs var:L.Agent.Figures.None ?><?cs /if ?></th>
        <td class="received"><?cs var:r.Received ?></td>
        <td class="resolved"><?cs var:r.Resolved ?></td>
        <td class="share"><?cs if:r.Share ?><bdi dir="ltr" class="figure"><?cs var:r.Share ?>%</bdi><?cs else ?>–<?cs /if ?></td>
        <td class="confirmed"><?cs var:r.Confirmed ?></td>
        <td class="overdue"><?cs var:r.Overdue ?></td>
        <td class="median"><?cs if:r.Median ?><?cs var:r.Median ?><?cs else ?>–<?cs /if ?></td>
        <td class="p90"><?cs if:r.P90 ?><?cs var:r.P90 ?><?cs else ?>–<?cs /if ?></td><?cs
        if:Figures.Group == "agent" ?>
        <td class="handled"><?cs var:r.Handled ?></td><?cs
        /if ?>
      </tr><?cs
    /each ?>
    </tbody>
  </table>
  </div>
  <h2><?cs var:L.Agent.Figures.TrendTitle[Figures.TrendBy] ?></h2>
  <figure class="chart">
    <svg dir="ltr" id="chart-trend" role="img" aria-labelledby="chart-trend-title" viewBox="0 -10 <?cs var:Figures.Chart.Width ?> <?cs var:Figures.Chart.Height + 40 ?>" width="100%" preserveAspectRatio="xMinYMin meet">
      <title id="chart-trend-title"><?cs var:L.Agent.Figures.TrendTitle[Figures.TrendBy] ?></title>
      <line x1="0" y1="<?cs var:Figures.Chart.Height ?>" x2="<?cs var:Figures.Chart.Width ?>" y2="<?cs var:Figures.Chart.Height ?>" stroke="#555"/><?cs
    each:b = Figures.Trend ?>
      <g class="bucket">
        <rect class="column received" x="<?cs var:b.X ?>" y="<?cs var:b.Y ?>" width="<?cs var:Figures.TrendBar.Width ?>" height="<?cs var:b.Height ?>" fill="#1f5f8b"><title><?cs var:b.Label ?>: <?cs var:L.Agent.Figures.Received ?> <?cs var:b.Received ?></title></rect>
        <rect class="column resolved" x="<?cs var:b.ResolvedX ?>" y="<?cs var:b.ResolvedY ?>" width="<?cs var:Figures.TrendBar.Width ?>" height="<?cs var:b.ResolvedHeight ?>" fill="#7fb069"><title><?cs var:b.Label ?>: <?cs var:L.Agent.Figures.Resolved ?> <?cs var:b.Resolved ?></title></rect>
        <text x="<?cs var:b.LabelX ?>" y="<?cs var:Figures.Chart.Height + 16 ?>" text-anchor="middle" font-size="11"><?cs var:b.Label ?></text>
      </g><?cs
    /each ?>
    </svg>
    <figcaption><?cs var:L.Agent.Figures.Legend ?></figcaption>
  </figure>
  <p><a class="button" id="trend-csv" href="/agent/reports?<?cs var:query ?>&amp;format=csv&amp;table=trend"><?cs var:L.Agent.Reports.Csv ?></a></p>
  <table class="queue report" id="trend">
    <thead><tr>
      <th scope="col"><?cs var:L.Agent.Figures.Trend[Figures.TrendBy] ?></th>
      <th scope="col"><?cs var:L.Agent.Figures.Received ?></th>
      <th scope="col"><?cs var:L.Agent.Figures.Resolved ?></th>
    </tr></thead>
    <tbody><?cs
    each:b = Figures.Trend ?>
      <tr data-key="<?cs var:b.Label ?>">
        <th scope="row"><bdi dir="ltr"><?cs var:b.Label ?></bdi></th>
        <td class="received"><?cs var:b.Received ?></td>
        <td class="resolved"><?cs var:b.Resolved ?></td>
      </tr><?cs
    /each ?>
    </tbody>
  </table>
  <p class="hint" id="figures-explain"><?cs var:L.Agent.Figures.Explain ?></p><?cs
  else ?>
  <p class="empty" id="figures-empty"><?cs var:L.Agent.Reports.Empty ?></p><?cs
  /if ?><?cs
/if ?>
<?cs include:"footer.cs" ?>
