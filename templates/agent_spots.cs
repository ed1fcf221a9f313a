<?cs include:"header.cs" ?>
  <h1><?cs var:L.Agent.Spots.Title ?></h1>
  <nav class="tabs" aria-label="<?cs var:L.Agent.Figures.Views ?>">
    <a href="/agent/reports?view=cases" id="view-cases"><?cs var:L.Agent.Figures.CasesView ?></a>
    <a href="/agent/reports?view=qa" id="view-qa"><?cs var:L.Agent.Figures.QaView ?></a>
    <a href="/agent/reports/spots" id="view-spots" aria-current="page"><?cs var:L.Agent.Spots.Tab ?></a>
    <a href="/agent/reports/calls" id="view-calls"><?cs var:L.Agent.CallFigures.Tab ?></a>
  </nav><?cs
if:Report.Scoped ?>
  <p class="notice" id="report-scoped"><?cs var:L.Agent.Reports.Scoped ?></p><?cs
/if ?>
<?cs call:form_errors() ?>
  <form method="get" action="/agent/reports/spots" class="filters">
    <div class="grid">
<?cs call:text_input("from", "date", L.Agent.Figures.From, L.Agent.Figures.DateHint, 0, 'dir="ltr"') ?>
<?cs call:text_input("to", "date", L.Agent.Figures.To, L.Agent.Figures.DateHint, 0, 'dir="ltr"') ?>
<?cs call:select("category", Ref.Categories, L.Agent.Spots.Category, 0) ?><?cs
if:!Report.Scoped ?>
<?cs call:select("directorate", Ref.Directorates, L.Agent.Spots.Directorate, 0) ?><?cs
/if ?>
<?cs call:text_input("min", "text", L.Agent.Spots.Min, L.Agent.Spots.MinHint, 0, 'inputmode="numeric" dir="ltr"') ?>
<?cs call:text_input("cell", "text", L.Agent.Spots.Cell, L.Agent.Spots.CellHint, 0, 'inputmode="numeric" dir="ltr"') ?>
    </div>
    <p><button type="submit"><?cs var:L.Agent.Qa.Show ?></button></p>
  </form><?cs
if:Spots.From ?><?cs
  set:query = "from=" + url_escape(Spots.From) + "&to=" + url_escape(Spots.To) + "&category=" + url_escape(Spots.Category) + "&directorate=" + url_escape(Spots.Directorate) + "&min=" + url_escape(Spots.Min) + "&cell=" + url_escape(Spots.Cell) ?>
  <h2 id="areas-title"><?cs var:L.Agent.Spots.AreasTitle ?></h2>
  <p class="hint"><?cs var:L.Agent.Spots.AreasExplain ?></p><?cs
  if:subcount(Spots.Areas) > 0 ?>
  <p><a class="button" id="areas-csv" href="/agent/reports/spots?<?cs var:query ?>&amp;format=csv&amp;table=areas"><?cs var:L.Agent.Reports.Csv ?></a></p>
  <div class="table-scroll">
  <table class="queue report" id="areas">
    <thead><tr>
      <th scope="col"><?cs var:L.Agent.Spots.Category ?></th>
      <th scope="col"><?cs var:L.Agent.Spots.Wilayat ?></th>
      <th scope="col"><?cs var:L.Agent.Spots.Count ?></th>
      <th scope="col"><?cs var:L.Agent.Spots.Previous ?></th>
      <th scope="col"><?cs var:L.Agent.Spots.Change ?></th>
      <th scope="col"><?cs var:L.Agent.Spots.Flag ?></th>
    </tr></thead>
    <tbody><?cs
    each:a = Spots.Areas ?>
      <tr data-key="<?cs var:a.Category ?>/<?cs var:a.Wilayat ?>"<?cs if:a.Flagged == "1" ?> class="flagged"<?cs /if ?>>
        <th scope="row"><a href="/agent/cases?category=<?cs var:url_escape(a.Category) ?><?cs if:a.Wilayat ?>&amp;wilayat=<?cs var:url_escape(a.Wilayat) ?><?cs /if ?>"><?cs var:a.CategoryName ?></a></th>
        <td class="wilayat"><?cs var:a.WilayatName ?></td>
        <td class="count"><?cs var:a.Count ?></td>
        <td class="previous"><?cs var:a.Previous ?></td>
        <td class="change"><?cs if:a.Change ?><bdi dir="ltr"><?cs var:a.Change ?>%</bdi><?cs else ?>–<?cs /if ?></td>
        <td class="flag"><?cs if:a.Flagged == "1" ?><strong><?cs var:L.Agent.Spots.Growing ?></strong><?cs /if ?></td>
      </tr><?cs
    /each ?>
    </tbody>
  </table>
  </div><?cs
  else ?>
  <p class="empty" id="areas-empty"><?cs var:L.Agent.Reports.Empty ?></p><?cs
  /if ?>
  <h2 id="clusters-title"><?cs var:L.Agent.Spots.ClustersTitle ?></h2>
  <p class="hint"><?cs var:L.Agent.Spots.ClustersExplain ?></p><?cs
  if:Spots.ClustersTotal ?>
  <p class="notice" role="status" id="clusters-capped"><?cs var:L.Agent.Spots.CappedBefore ?> <bdi dir="ltr" class="shown"><?cs var:Spots.ClustersShown ?></bdi> <?cs var:L.Agent.Spots.CappedMiddle ?> <bdi dir="ltr" class="total"><?cs var:Spots.ClustersTotal ?></bdi> <?cs var:L.Agent.Spots.CappedAfter ?></p><?cs
  /if ?>
  <figure class="chart map">
    <svg dir="ltr" id="spots-map" role="img" aria-labelledby="spots-map-title" viewBox="-10 -10 <?cs var:Spots.Map.Width + 20 ?> <?cs var:Spots.Map.Height + 40 ?>" width="100%" preserveAspectRatio="xMinYMin meet">
      <title id="spots-map-title"><?cs var:L.Agent.Spots.MapTitle ?></title>
      <rect class="area" x="0" y="0" width="<?cs var:Spots.Map.Width ?>" height="<?cs var:Spots.Map.Height ?>" fill="#f4f1ea" stroke="#555"/><?cs
    each:k = Spots.Clusters ?>
      <g class="cluster" data-label="<?cs var:k.Label ?>">
        <circle cx="<?cs var:k.X ?>" cy="<?cs var:k.Y ?>" r="<?cs var:k.R ?>" fill="#c0392b" fill-opacity="0.45" stroke="#7b241c"><title><?cs var:k.Label ?>. <?cs var:k.CategoryName ?>: <?cs var:k.Count ?></title></circle>
        <text x="<?cs var:k.X ?>" y="<?cs var:k.Y ?>" dy="4" text-anchor="middle" font-size="11"><?cs var:k.Label ?></text>
      </g><?cs
    /each ?>
      <line x1="0" y1="<?cs var:Spots.Map.Height + 20 ?>" x2="<?cs var:Spots.Map.Scale ?>" y2="<?cs var:Spots.Map.Height + 20 ?>" stroke="#000" stroke-width="3"/>
      <text x="0" y="<?cs var:Spots.Map.Height + 14 ?>" font-size="11"><?cs var:L.Agent.Spots.Scale ?></text>
    </svg>
    <figcaption><?cs var:L.Agent.Spots.MapCaption ?></figcaption>
  </figure><?cs
  if:subcount(Spots.Clusters) > 0 ?>
  <p><a class="button" id="clusters-csv" href="/agent/reports/spots?<?cs var:query ?>&amp;format=csv&amp;table=clusters"><?cs var:L.Agent.Reports.Csv ?></a></p>
  <div class="table-scroll">
  <table class="queue report" id="clusters">
    <thead><tr>
      <th scope="col"><?cs var:L.Agent.Spots.Label ?></th>
      <th scope="col"><?cs var:L.Agent.Spots.Category ?></th>
      <th scope="col"><?cs var:L.Agent.Spots.Count ?></th>
      <th scope="col"><?cs var:L.Agent.Spots.Centre ?></th>
      <th scope="col"><?cs var:L.Agent.Spots.Radius ?></th>
      <th scope="col"><?cs var:L.Agent.Spots.First ?></th>
      <th scope="col"><?cs var:L.Agent.Spots.Last ?></th>
      <th scope="col"><?cs var:L.Agent.Spots.Cases ?></th>
    </tr></thead>
    <tbody><?cs
    each:k = Spots.Clusters ?>
      <tr data-key="<?cs var:k.Label ?>">
        <th scope="row"><?cs var:k.Label ?></th>
        <td class="category"><a href="/agent/cases?category=<?cs var:url_escape(k.Category) ?><?cs if:k.Wilayat ?>&amp;wilayat=<?cs var:url_escape(k.Wilayat) ?><?cs /if ?>"><?cs var:k.CategoryName ?></a></td>
        <td class="count"><?cs var:k.Count ?></td>
        <td class="centre"><bdi dir="ltr"><?cs var:k.Lat ?>, <?cs var:k.Lon ?></bdi></td>
        <td class="radius"><?cs var:k.Radius ?></td>
        <td class="first"><bdi dir="ltr"><?cs var:k.First ?></bdi></td>
        <td class="last"><bdi dir="ltr"><?cs var:k.Last ?></bdi></td>
        <td class="cases"><?cs each:n = k.Numbers ?><a href="/agent/cases/<?cs var:url_escape(n) ?>" dir="ltr"><?cs var:n ?></a> <?cs /each ?><?cs if:k.More > 0 ?><?cs var:L.Agent.Spots.More ?> <?cs var:k.More ?><?cs /if ?></td>
      </tr><?cs
    /each ?>
    </tbody>
  </table>
  </div><?cs
  else ?>
  <p class="empty" id="clusters-empty"><?cs var:L.Agent.Spots.NoClusters ?></p><?cs
  /if ?><?cs
/if ?>
<?cs include:"footer.cs" ?>
