<?cs include:"header.cs" ?>
  <h1><?cs var:L.Agent.Reports.Title ?></h1>
  <nav class="tabs" aria-label="<?cs var:L.Agent.Figures.Views ?>">
    <a href="/agent/reports?view=cases" id="view-cases"><?cs var:L.Agent.Figures.CasesView ?></a>
    <a href="/agent/reports?view=qa" id="view-qa"><?cs var:L.Agent.Figures.QaView ?></a>
    <a href="/agent/reports/spots" id="view-spots"><?cs var:L.Agent.Spots.Tab ?></a>
    <a href="/agent/reports/calls" id="view-calls" aria-current="page"><?cs var:L.Agent.CallFigures.Tab ?></a>
  </nav><?cs
if:CallFigures.WholeLine ?>
  <p class="notice" id="report-whole-line"><?cs var:L.Agent.CallFigures.WholeLine ?></p><?cs
/if ?>
<?cs call:form_errors() ?>
  <form method="get" action="/agent/reports/calls" class="filters">
    <div class="grid">
<?cs call:text_input("from", "date", L.Agent.Figures.From, L.Agent.Figures.DateHint, 0, 'dir="ltr"') ?>
<?cs call:text_input("to", "date", L.Agent.Figures.To, L.Agent.Figures.DateHint, 0, 'dir="ltr"') ?>
      <div class="field<?cs if:Form.Error.trend ?> invalid<?cs /if ?>">
        <label for="trend"><?cs var:L.Agent.Figures.TrendBy ?></label><?cs
call:field_error("trend") ?>
        <select id="trend" name="trend"<?cs call:described("trend", "") ?>><?cs
each:t = L.Agent.CallFigures.Trend ?>
          <option value="<?cs name:t ?>"<?cs if:Form.Value.trend == name(t) ?> selected<?cs /if ?>><?cs var:t ?></option><?cs
/each ?>
        </select>
      </div>
    </div>
    <p><button type="submit"><?cs var:L.Agent.Qa.Show ?></button></p>
  </form><?cs
if:CallFigures.From ?><?cs
  set:query = "from=" + url_escape(CallFigures.From) + "&to=" + url_escape(CallFigures.To) + "&trend=" + url_escape(CallFigures.TrendBy) ?><?cs
  if:CallFigures.Summary.Calls > 0 ?>
  <h2><?cs var:L.Agent.CallFigures.SummaryTitle ?></h2>
  <table class="queue report" id="call-summary">
    <tbody><?cs
    each:s = CallFigures.Summary ?>
      <tr data-key="<?cs name:s ?>">
        <th scope="row"><?cs var:L.Agent.CallFigures.Summary[name(s)] ?></th>
        <td><?cs if:s ?><bdi dir="ltr" class="figure"><?cs var:s ?></bdi><?cs else ?>–<?cs /if ?></td>
      </tr><?cs
    /each ?>
    </tbody>
  </table>
  <p><a class="button" id="summary-csv" href="/agent/reports/calls?<?cs var:query ?>&amp;format=csv&amp;table=summary"><?cs var:L.Agent.Reports.Csv ?></a></p>
  <h2><?cs var:L.Agent.CallFigures.LangsTitle ?></h2>
  <table class="queue report" id="call-langs">
    <thead><tr>
      <th scope="col"><?cs var:L.Calls.Lang ?></th>
      <th scope="col"><?cs var:L.Agent.CallFigures.Calls ?></th>
      <th scope="col"><?cs var:L.Agent.CallFigures.Share ?></th>
    </tr></thead>
    <tbody><?cs
    each:r = CallFigures.Langs ?>
      <tr data-key="<?cs var:r.Code ?>">
        <th scope="row"><?cs var:L.Agent.CallFigures.Lang[r.Code] ?></th>
        <td class="calls"><?cs var:r.Calls ?></td>
        <td class="share"><bdi dir="ltr" class="figure"><?cs var:r.Share ?>%</bdi></td>
      </tr><?cs
    /each ?>
    </tbody>
  </table>
  <p><a class="button" id="langs-csv" href="/agent/reports/calls?<?cs var:query ?>&amp;format=csv&amp;table=languages"><?cs var:L.Agent.Reports.Csv ?></a></p>
  <h2><?cs var:L.Agent.CallFigures.OutcomesTitle ?></h2>
  <table class="queue report" id="call-outcomes">
    <thead><tr>
      <th scope="col"><?cs var:L.Calls.Outcome ?></th>
      <th scope="col"><?cs var:L.Agent.CallFigures.Calls ?></th>
      <th scope="col"><?cs var:L.Agent.CallFigures.Share ?></th>
    </tr></thead>
    <tbody><?cs
    each:r = CallFigures.Outcomes ?>
      <tr data-key="<?cs var:r.Code ?>">
        <th scope="row"><svg class="swatch" width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="<?cs var:r.Colour ?>"/></svg> <?cs if:L.Calls.Result[r.Code] ?><?cs var:L.Calls.Result[r.Code] ?><?cs else ?><?cs var:L.Agent.CallFigures.Other ?><?cs /if ?></th>
        <td class="calls"><?cs var:r.Calls ?></td>
        <td class="share"><bdi dir="ltr" class="figure"><?cs var:r.Share ?>%</bdi></td>
      </tr><?cs
    /each ?>
    </tbody>
  </table>
  <p><a class="button" id="outcomes-csv" href="/agent/reports/calls?<?cs var:query ?>&amp;format=csv&amp;table=outcomes"><?cs var:L.Agent.Reports.Csv ?></a></p>
  <h2><?cs var:L.Agent.CallFigures.TrendTitle[CallFigures.TrendBy] ?></h2>
  <figure class="chart">
    <svg dir="ltr" id="chart-calls" role="img" aria-labelledby="chart-calls-title" viewBox="0 -10 <?cs var:CallFigures.Chart.Width ?> <?cs var:CallFigures.Chart.Height + 40 ?>" width="100%" preserveAspectRatio="xMinYMin meet">
      <title id="chart-calls-title"><?cs var:L.Agent.CallFigures.TrendTitle[CallFigures.TrendBy] ?></title>
      <line x1="0" y1="<?cs var:CallFigures.Chart.Height ?>" x2="<?cs var:CallFigures.Chart.Width ?>" y2="<?cs var:CallFigures.Chart.Height ?>" stroke="#555"/><?cs
    each:b = CallFigures.Trend ?>
      <g class="bucket" data-key="<?cs var:b.Label ?>"><?cs
      each:s = b.Segments ?>
        <rect class="segment <?cs var:s.Code ?>" x="<?cs var:b.X ?>" y="<?cs var:s.Y ?>" width="<?cs var:CallFigures.Bar.Width ?>" height="<?cs var:s.Height ?>" fill="<?cs var:s.Colour ?>"><title><?cs var:b.Label ?>: <?cs if:L.Calls.Result[s.Code] ?><?cs var:L.Calls.Result[s.Code] ?><?cs else ?><?cs var:L.Agent.CallFigures.Other ?><?cs /if ?> <?cs var:s.Count ?></title></rect><?cs
      /each ?>
        <text x="<?cs var:b.LabelX ?>" y="<?cs var:CallFigures.Chart.Height + 16 ?>" text-anchor="middle" font-size="11"><?cs var:b.Label ?></text>
      </g><?cs
    /each ?>
    </svg>
    <figcaption><?cs var:L.Agent.CallFigures.Legend ?></figcaption>
  </figure>
  <div class="table-scroll">
  <table class="queue report" id="call-trend">
    <thead><tr>
      <th scope="col"><?cs var:L.Agent.CallFigures.Trend[CallFigures.TrendBy] ?></th>
      <th scope="col"><?cs var:L.Agent.CallFigures.Calls ?></th><?cs
    each:r = CallFigures.Outcomes ?>
      <th scope="col" data-key="<?cs var:r.Code ?>"><?cs if:L.Calls.Result[r.Code] ?><?cs var:L.Calls.Result[r.Code] ?><?cs else ?><?cs var:L.Agent.CallFigures.Other ?><?cs /if ?></th><?cs
    /each ?>
    </tr></thead>
    <tbody><?cs
    each:b = CallFigures.Trend ?>
      <tr data-key="<?cs var:b.Label ?>">
        <th scope="row"><bdi dir="ltr"><?cs var:b.Label ?></bdi></th>
        <td class="calls"><?cs var:b.Calls ?></td><?cs
      each:c = b.Counts ?>
        <td class="outcome"><?cs var:c.Count ?></td><?cs
      /each ?>
      </tr><?cs
    /each ?>
    </tbody>
  </table>
  </div>
  <p><a class="button" id="trend-csv" href="/agent/reports/calls?<?cs var:query ?>&amp;format=csv&amp;table=trend"><?cs var:L.Agent.Reports.Csv ?></a></p>
  <p class="hint" id="calls-explain"><?cs var:L.Agent.CallFigures.Explain ?></p><?cs
  else ?>
  <p class="empty" id="calls-empty"><?cs var:L.Agent.CallFigures.Empty ?></p><?cs
  /if ?><?cs
/if ?>
<?cs include:"footer.cs" ?>
