<?cs include:"header.cs" ?>
  <h1><?cs var:L.Agent.Queue.Title ?></h1><?cs
if:Queue.Routed ?>
  <p class="notice" role="status" id="routed"><?cs var:L.Agent.Queue.Routed ?> <span dir="ltr"><?cs var:Queue.Routed ?></span></p><?cs
/if ?>
<?cs call:form_errors() ?>
  <form method="get" action="/agent/cases" class="filters" role="search">
    <div class="field search">
      <label for="q"><?cs var:L.Agent.Queue.Search ?></label>
      <input type="search" id="q" name="q" value="<?cs var:Form.Value.q ?>" maxlength="200"<?cs call:described("q", "1") ?>>
      <p class="hint" id="q-hint"><?cs var:L.Agent.Queue.SearchHint ?></p><?cs
call:field_error("q") ?>
    </div>
    <div class="grid"><?cs
if:!Queue.Scoped ?>
<?cs call:select("directorate", Ref.Directorates, L.Agent.Queue.Directorate, 0) ?><?cs
/if ?>
<?cs call:select("category", Ref.Categories, L.Agent.Queue.Category, 0) ?>
<?cs call:select("wilayat", Ref.Wilayats, L.Agent.Queue.Wilayat, 0) ?>
      <div class="field">
        <label for="status"><?cs var:L.Agent.Queue.Status ?></label>
        <select id="status" name="status">
          <option value=""><?cs var:L.Agent.Queue.Any ?></option><?cs
each:s = L.Status ?>
          <option value="<?cs name:s ?>"<?cs if:Form.Value.status == name(s) ?> selected<?cs /if ?>><?cs var:s ?></option><?cs
/each ?>
        </select>
      </div>
      <div class="field">
        <label for="channel"><?cs var:L.Agent.Queue.Channel ?></label>
        <select id="channel" name="channel">
          <option value=""><?cs var:L.Agent.Queue.Any ?></option><?cs
each:c = L.Channel ?>
          <option value="<?cs name:c ?>"<?cs if:Form.Value.channel == name(c) ?> selected<?cs /if ?>><?cs var:c ?></option><?cs
/each ?>
        </select>
      </div>
      <div class="field">
        <label for="priority"><?cs var:L.Agent.Queue.Priority ?></label>
        <select id="priority" name="priority">
          <option value=""><?cs var:L.Agent.Queue.Any ?></option><?cs
each:p = L.Priority ?>
          <option value="<?cs name:p ?>"<?cs if:Form.Value.priority == name(p) ?> selected<?cs /if ?>><?cs var:p ?></option><?cs
/each ?>
        </select>
      </div>
      <div class="field">
        <label for="sort"><?cs var:L.Agent.Queue.Sort ?></label>
        <select id="sort" name="sort"><?cs
each:o = L.Agent.Queue.SortBy ?>
          <option value="<?cs name:o ?>"<?cs if:Form.Value.sort == name(o) ?> selected<?cs /if ?>><?cs var:o ?></option><?cs
/each ?>
        </select>
      </div>
    </div>
    <p class="checks">
      <label class="choice"><input type="checkbox" name="overdue" value="1"<?cs if:Form.Value.overdue ?> checked<?cs /if ?>> <?cs var:L.Agent.Queue.Overdue ?></label>
      <label class="choice"><input type="checkbox" name="calls" value="1"<?cs if:Form.Value.calls ?> checked<?cs /if ?>> <?cs var:L.Agent.Queue.Calls ?></label>
      <label class="choice"><input type="checkbox" name="mine" value="1"<?cs if:Form.Value.mine ?> checked<?cs /if ?>> <?cs var:L.Agent.Queue.Mine ?></label>
      <button type="submit"><?cs var:L.Agent.Queue.Apply ?></button>
      <a href="/agent/cases"><?cs var:L.Agent.Queue.Clear ?></a>
    </p>
  </form>
  <nav class="counts" aria-label="<?cs var:L.Agent.Queue.Counts ?>">
    <a href="/agent/cases?<?cs var:Queue.BaseQuery ?>"<?cs if:!Form.Value.status ?> aria-current="true"<?cs /if ?>><?cs var:L.Agent.Queue.All ?> <span class="count" id="count-all"><?cs if:Queue.Total ?><?cs var:Queue.Total ?><?cs else ?>0<?cs /if ?></span></a><?cs
each:s = L.Status ?>
    <a href="/agent/cases?<?cs var:Queue.BaseQuery ?><?cs if:Queue.BaseQuery ?>&amp;<?cs /if ?>status=<?cs name:s ?>"<?cs if:Form.Value.status == name(s) ?> aria-current="true"<?cs /if ?>><?cs var:s ?> <span class="count" id="count-<?cs name:s ?>"><?cs if:Queue.Counts[name(s)] ?><?cs var:Queue.Counts[name(s)] ?><?cs else ?>0<?cs /if ?></span></a><?cs
/each ?>
  </nav><?cs
if:Queue.Shown > 0 ?>
  <div class="table-wrap">
  <table class="queue" id="queue">
    <thead><tr>
      <th scope="col"><?cs var:L.Agent.Queue.Number ?></th>
      <th scope="col"><?cs var:L.Agent.Queue.Status ?></th>
      <th scope="col"><?cs var:L.Agent.Queue.Priority ?></th>
      <th scope="col"><?cs var:L.Agent.Queue.Category ?></th>
      <th scope="col"><?cs var:L.Agent.Queue.Directorate ?></th>
      <th scope="col"><?cs var:L.Agent.Queue.Wilayat ?></th>
      <th scope="col"><?cs var:L.Agent.Queue.Received ?></th>
      <th scope="col"><?cs var:L.Agent.Queue.Due ?></th>
      <th scope="col"><?cs var:L.Agent.Queue.Assignee ?></th>
    </tr></thead>
    <tbody><?cs
  each:r = Queue.Rows ?>
      <tr class="<?cs if:r.Overdue == "1" ?>overdue<?cs /if ?>" data-number="<?cs var:r.Number ?>">
        <td><a href="/agent/cases/<?cs var:r.Number ?>" dir="ltr"><?cs var:r.Number ?></a><div class="summary" dir="auto"><?cs var:r.Summary ?></div></td>
        <td><span class="status status-<?cs var:r.Status ?>" data-status="<?cs var:r.Status ?>"><?cs var:L.Status[r.Status] ?></span><?cs
    if:?r.ResolvedDays ?><div class="waiting" data-days="<?cs var:r.ResolvedDays ?>"><?cs var:L.Agent.Queue.Waiting ?> <span dir="ltr"><?cs var:r.ResolvedDays ?></span></div><?cs /if ?></td>
        <td><span class="priority priority-<?cs var:r.Priority ?>"><?cs var:L.Priority[r.Priority] ?></span></td>
        <td><?cs var:r.Category ?></td>
        <td><?cs var:r.Directorate ?></td>
        <td><?cs var:r.Wilayat ?></td>
        <td><time dir="ltr"><?cs var:r.Created ?></time></td>
        <td><time dir="ltr"><?cs var:r.Due ?></time><?cs if:r.Overdue == "1" ?> <strong class="late"><?cs var:L.Agent.Queue.Late ?></strong><?cs /if ?></td>
        <td><?cs var:r.Assignee ?></td>
      </tr><?cs
  /each ?>
    </tbody>
  </table>
  </div><?cs
  if:Queue.NextUrl ?>
  <p><a class="button secondary" id="next-page" href="<?cs var:Queue.NextUrl ?>"><?cs var:L.Agent.Queue.Next ?></a></p><?cs
  /if ?><?cs
else ?>
  <p class="empty" id="queue-empty"><?cs var:L.Agent.Queue.Empty ?></p><?cs
/if ?>
<?cs include:"footer.cs" ?>
