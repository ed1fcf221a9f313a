<?cs # The results of one poll question q, filled by tw_poll_results_fill:
   an SVG chart with a bar per choice or scale value, then the same
   numbers as a table. Staff pages also list the free texts. ?><?cs
def:result_bar(c, label) ?>
        <text x="0" y="<?cs var:c.Y ?>" font-size="12"><?cs var:label ?></text>
        <rect class="bar" x="0" y="<?cs var:c.BarY ?>" width="<?cs var:c.Width ?>" height="14" fill="#1f5f8b"><title><?cs var:label ?>: <?cs var:c.Count ?></title></rect>
        <text x="<?cs var:c.TextX ?>" y="<?cs var:c.TextY ?>" font-size="11"><?cs var:c.Count ?> (<?cs var:c.Percent ?>%)</text><?cs
/def ?><?cs
def:result_row(c, key, label) ?>
        <tr data-answer="<?cs var:key ?>">
          <th scope="row"><?cs var:label ?></th>
          <td class="count"><?cs var:c.Count ?></td>
          <td class="percent"><bdi dir="ltr"><?cs var:c.Percent ?>%</bdi></td>
        </tr><?cs
/def ?><?cs
def:poll_results(q, texts) ?>
    <section class="poll-result" id="result-<?cs var:q.Id ?>" data-kind="<?cs var:q.Kind ?>">
      <h3><?cs var:q.Number ?>. <?cs var:q.Text ?></h3>
      <p class="hint"><?cs var:L.Polls.AnsweredBy ?>: <span class="answered"><?cs var:q.Answered ?></span><?cs
  if:q.Average ?> · <?cs var:L.Polls.Average ?>: <bdi dir="ltr" class="average"><?cs var:q.Average ?></bdi><?cs /if ?></p><?cs
  if:q.Kind != "text" ?>
      <svg dir="ltr" direction="ltr" class="poll-chart" role="img" aria-label="<?cs var:L.Polls.ChartTitle ?>" viewBox="0 0 <?cs var:Poll.ChartWidth + 100 ?> <?cs var:q.ChartHeight ?>" width="100%" preserveAspectRatio="xMinYMin meet"><?cs
    if:q.Kind == "scale" ?><?cs
      each:c = q.Scale ?><?cs call:result_bar(c, c.Value) ?><?cs /each ?><?cs
    else ?><?cs
      each:c = q.Choices ?><?cs call:result_bar(c, c.Text) ?><?cs /each ?><?cs
    /if ?>
      </svg>
      <table class="queue report results">
        <thead><tr>
          <th scope="col"><?cs var:L.Polls.Choice ?></th>
          <th scope="col"><?cs var:L.Polls.Responses ?></th>
          <th scope="col">%</th>
        </tr></thead>
        <tbody><?cs
    if:q.Kind == "scale" ?><?cs
      each:c = q.Scale ?><?cs call:result_row(c, c.Value, c.Value) ?><?cs /each ?><?cs
    else ?><?cs
      each:c = q.Choices ?><?cs call:result_row(c, c.Id, c.Text) ?><?cs /each ?><?cs
    /if ?>
        </tbody>
      </table><?cs
  elif:texts ?><?cs
    if:subcount(q.Texts) > 0 ?>
      <h4><?cs var:L.Agent.Polls.FreeTexts ?></h4>
      <ul class="texts" id="texts-<?cs var:q.Id ?>"><?cs
      each:t = q.Texts ?>
        <li dir="auto"><?cs var:t ?></li><?cs
      /each ?>
      </ul><?cs
    else ?>
      <p class="empty"><?cs var:L.Agent.Polls.NoTexts ?></p><?cs
    /if ?><?cs
  /if ?>
    </section><?cs
/def ?>
