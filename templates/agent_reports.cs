<?cs include:"header.cs" ?>
  <h1><?cs var:L.Agent.Reports.Title ?></h1>
  <nav class="tabs" aria-label="<?cs var:L.Agent.Figures.Views ?>">
    <a href="/agent/reports?view=cases" id="view-cases"><?cs var:L.Agent.Figures.CasesView ?></a>
    <a href="/agent/reports?view=qa" id="view-qa" aria-current="page"><?cs var:L.Agent.Figures.QaView ?></a>
    <a href="/agent/reports/spots" id="view-spots"><?cs var:L.Agent.Spots.Tab ?></a>
    <a href="/agent/reports/calls" id="view-calls"><?cs var:L.Agent.CallFigures.Tab ?></a>
  </nav><?cs
if:Report.Scoped ?>
  <p class="notice" id="report-scoped"><?cs var:L.Agent.Reports.Scoped ?></p><?cs
/if ?>
<?cs call:form_errors() ?>
  <form method="get" action="/agent/reports" class="filters">
    <input type="hidden" name="view" value="qa">
    <div class="grid">
<?cs call:text_input("month", "month", L.Agent.Qa.Month, L.Agent.Qa.MonthHint, 0, 'dir="ltr" pattern="[0-9]{4}-[0-9]{2}" placeholder="YYYY-MM"') ?>
      <div class="field">
        <label for="group"><?cs var:L.Agent.Reports.Group ?></label>
        <select id="group" name="group"><?cs
each:g = L.Agent.Reports.By ?>
          <option value="<?cs name:g ?>"<?cs if:Report.Group == name(g) ?> selected<?cs /if ?>><?cs var:g ?></option><?cs
/each ?>
        </select>
      </div>
    </div>
    <p><button type="submit"><?cs var:L.Agent.Qa.Show ?></button></p>
  </form><?cs
if:Report.Month ?>
  <p><a class="button" id="report-csv" href="/agent/reports?month=<?cs var:url_escape(Report.Month) ?>&amp;group=<?cs var:url_escape(Report.Group) ?>&amp;format=csv"><?cs var:L.Agent.Reports.Csv ?></a></p><?cs
  if:subcount(Report.Rows) > 0 ?>
  <div class="table-scroll">
  <table class="queue report" id="report">
    <thead><tr>
      <th scope="col"><?cs var:L.Agent.Reports.By[Report.Group] ?></th>
      <th scope="col"><?cs var:L.Agent.Reports.Cases ?></th>
      <th scope="col"><?cs var:L.Agent.Reports.Sampled ?></th>
      <th scope="col"><?cs var:L.Agent.Reports.Scored ?></th>
      <th scope="col"><?cs var:L.Agent.Qa.SoftSkills ?></th>
      <th scope="col"><?cs var:L.Agent.Qa.TimeToSolve ?></th>
      <th scope="col"><?cs var:L.Agent.Qa.ServiceQuality ?></th>
      <th scope="col"><?cs var:L.Agent.Reports.ResponseRate ?></th>
      <th scope="col"><?cs var:L.Agent.Qa.Satisfaction ?></th>
      <th scope="col"><?cs var:L.Agent.Reports.ConfirmedShare ?></th>
    </tr></thead>
    <tbody><?cs
    each:r = Report.Rows ?>
      <tr data-key="<?cs var:r.Key ?>">
        <th scope="row"><?cs if:r.Key == "portal" && Report.Group == "agent" ?><?cs var:L.Agent.Qa.Portal ?><?cs elif:r.Name ?><?cs var:r.Name ?><?cs else ?><span dir="ltr"><?cs var:r.Key ?></span><?cs /if ?></th>
        <td class="cases"><?cs var:r.Cases ?></td>
        <td class="sampled"><?cs var:r.Sampled ?></td>
        <td class="scored"><?cs var:r.Scored ?></td>
        <td class="soft_skills"><?cs if:r.SoftSkills ?><?cs var:r.SoftSkills ?><?cs else ?>–<?cs /if ?></td>
        <td class="time_to_solve"><?cs if:r.TimeToSolve ?><?cs var:r.TimeToSolve ?><?cs else ?>–<?cs /if ?></td>
        <td class="service_quality"><?cs if:r.ServiceQuality ?><?cs var:r.ServiceQuality ?><?cs else ?>–<?cs /if ?></td>
        <td class="response_rate"><?cs if:r.ResponseRate ?><bdi dir="ltr" class="figure"><?cs var:r.ResponseRate ?>% <small>(<?cs var:r.Answered ?> / <?cs var:r.Sent ?>)</small></bdi><?cs else ?>–<?cs /if ?></td>
        <td class="satisfaction"><?cs if:r.Satisfaction ?><?cs var:r.Satisfaction ?><?cs else ?>–<?cs /if ?></td>
        <td class="confirmed_share"><?cs if:r.ConfirmedShare ?><bdi dir="ltr" class="figure"><?cs var:r.ConfirmedShare ?>% <small>(<?cs var:r.Confirmed ?> / <?cs var:r.Resolved ?>)</small></bdi><?cs else ?>–<?cs /if ?></td>
      </tr><?cs
    /each ?>
    </tbody>
  </table>
  </div>
  <p class="hint"><?cs var:L.Agent.Reports.Explain ?></p><?cs
  else ?>
  <p class="empty" id="report-empty"><?cs var:L.Agent.Reports.Empty ?></p><?cs
  /if ?><?cs
/if ?>
<?cs include:"footer.cs" ?>
