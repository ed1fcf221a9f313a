<?cs # The phone-line calls in Calls.N: included by the case page, the
     caller profile and the calls page. Page.CallsForm = 1 adds the button
     that marks a missed call returned. ?><?cs
if:subcount(Calls) > 0 ?>
    <table class="queue" id="ivr-calls">
      <thead><tr>
        <th scope="col"><?cs var:L.Calls.Started ?></th>
        <th scope="col"><?cs var:L.Calls.Caller ?></th>
        <th scope="col"><?cs var:L.Calls.Lang ?></th>
        <th scope="col"><?cs var:L.Calls.Path ?></th>
        <th scope="col"><?cs var:L.Calls.Outcome ?></th>
        <th scope="col"><?cs var:L.Calls.Case ?></th>
        <th scope="col"><?cs var:L.Calls.Missed ?></th>
      </tr></thead>
      <tbody><?cs
  each:c = Calls ?>
        <tr data-call="<?cs var:c.Id ?>"<?cs if:c.Missed && !c.Handled ?> class="overdue"<?cs /if ?>>
          <td><time dir="ltr"><?cs var:c.Started ?></time><?cs if:c.Ended ?> – <time dir="ltr"><?cs var:c.Ended ?></time><?cs /if ?></td>
          <td dir="ltr"><?cs if:c.Caller ?><a href="/agent/callers?mobile=<?cs var:url_escape(c.Caller) ?>"><?cs var:c.Caller ?></a><?cs else ?><?cs var:L.Calls.Withheld ?><?cs /if ?></td>
          <td><?cs var:L.Agent.Language[c.Lang] ?></td>
          <td dir="ltr"><code><?cs var:c.Path ?></code></td>
          <td data-outcome="<?cs var:c.Outcome ?>"><?cs var:L.Calls.Result[c.Outcome] ?><?cs if:c.Recording ?> · <a href="<?cs var:c.Recording ?>" rel="noreferrer"><?cs var:L.Calls.Recording ?></a><?cs /if ?></td>
          <td><?cs if:c.Case ?><a href="/agent/cases/<?cs var:c.Case ?>" dir="ltr"><?cs var:c.Case ?></a><?cs /if ?></td>
          <td><?cs if:c.Missed ?><?cs var:L.Calls.Reason[c.Missed] ?><?cs
    if:c.Handled ?> · <?cs var:L.Calls.Returned ?> <time dir="ltr"><?cs var:c.Handled ?></time><?cs
    elif:Page.CallsForm && c.Caller ?>
            <form method="post" action="/agent/calls" class="inline">
              <input type="hidden" name="csrf" value="<?cs var:Staff.Csrf ?>">
              <input type="hidden" name="missed" value="<?cs var:c.MissedId ?>">
              <button type="submit" class="link"><?cs var:L.Calls.MarkReturned ?></button>
            </form><?cs
    /if ?><?cs /if ?></td>
        </tr><?cs
  /each ?>
      </tbody>
    </table><?cs
/if ?>
