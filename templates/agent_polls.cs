<?cs include:"header.cs" ?>
  <h1><?cs var:L.Agent.Polls.Title ?></h1><?cs
if:Page.Saved ?>
  <p class="notice" role="status" id="poll-saved"><?cs var:L.Agent.Polls.Saved ?></p><?cs
/if ?><?cs
if:Staff.Can.polls_admin ?>
  <p><a class="button" href="/agent/polls/new" id="poll-new"><?cs var:L.Agent.Polls.New ?></a></p><?cs
/if ?><?cs
if:subcount(Polls) > 0 ?>
  <div class="table-scroll">
  <table class="queue" id="polls">
    <thead><tr>
      <th scope="col"><?cs var:L.Agent.Polls.ListTitle ?></th>
      <th scope="col"><?cs var:L.Agent.Polls.Kind ?></th>
      <th scope="col"><?cs var:L.Agent.Polls.Opens ?></th>
      <th scope="col"><?cs var:L.Agent.Polls.Closes ?></th>
      <th scope="col"><?cs var:L.Agent.Polls.Responses ?></th>
      <th scope="col"><?cs var:L.Agent.Polls.Actions ?></th>
    </tr></thead>
    <tbody><?cs
  each:p = Polls ?>
      <tr data-id="<?cs var:p.Id ?>" data-state="<?cs var:p.State ?>">
        <td><a href="/agent/polls/results/<?cs var:p.Id ?>"><?cs var:p.Title ?></a></td>
        <td><?cs var:L.Polls.Kind[p.Kind] ?> · <?cs var:L.Agent.Polls.State[p.State] ?></td>
        <td><time dir="ltr"><?cs var:p.Opens ?></time></td>
        <td><time dir="ltr"><?cs var:p.Closes ?></time></td>
        <td class="responses"><?cs var:p.Responses ?></td>
        <td><a href="/agent/polls/results/<?cs var:p.Id ?>"><?cs var:L.Agent.Polls.ResultsLink ?></a><?cs
    if:Staff.Can.polls_admin ?> · <a href="/agent/polls/<?cs var:p.Id ?>"><?cs var:L.Agent.Polls.EditLink ?></a><?cs /if ?></td>
      </tr><?cs
  /each ?>
    </tbody>
  </table>
  </div><?cs
else ?>
  <p class="empty" id="polls-empty"><?cs var:L.Agent.Polls.None ?></p><?cs
/if ?>
<?cs include:"footer.cs" ?>
