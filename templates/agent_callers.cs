<?cs include:"header.cs" ?>
  <h1><?cs var:L.Agent.Callers.Title ?></h1>
  <p><a href="/agent/calls" id="calls-link"><?cs var:L.Calls.Title ?></a></p>
<?cs call:form_errors() ?>
  <form method="get" action="/agent/callers" class="stack narrow" role="search">
<?cs call:text_input("mobile", "tel", L.Complaint.Mobile, L.Complaint.MobileHint, 1, 'autocomplete="off" inputmode="tel" dir="ltr" autofocus') ?>
    <p><button type="submit"><?cs var:L.Agent.Callers.Find ?></button></p>
  </form><?cs
if:Customer.Id ?>
  <section class="result" id="profile">
    <h2><?cs if:Customer.Name ?><?cs var:Customer.Name ?><?cs else ?><?cs var:Customer.Mobile ?><?cs /if ?></h2>
    <dl class="facts">
      <dt><?cs var:L.Complaint.Mobile ?></dt>
      <dd dir="ltr" id="profile-mobile"><?cs var:Customer.Mobile ?></dd><?cs
  if:Customer.Email ?>
      <dt><?cs var:L.Complaint.Email ?></dt>
      <dd dir="ltr"><?cs var:Customer.Email ?></dd><?cs
  /if ?>
      <dt><?cs var:L.Agent.Case.Language ?></dt>
      <dd><?cs var:L.Agent.Language[Customer.Lang] ?></dd>
    </dl><?cs
  if:Staff.Can.register ?>
    <p><a class="button" id="register-for-caller" href="/agent/register?mobile=<?cs var:url_escape(Customer.Mobile) ?>"><?cs var:L.Agent.Callers.NewCase ?></a></p><?cs
  /if ?>
    <h3><?cs var:L.Agent.Callers.Cases ?></h3>
    <table class="queue" id="caller-cases">
      <thead><tr>
        <th scope="col"><?cs var:L.Agent.Queue.Number ?></th>
        <th scope="col"><?cs var:L.Agent.Queue.Status ?></th>
        <th scope="col"><?cs var:L.Track.Type ?></th>
        <th scope="col"><?cs var:L.Agent.Queue.Category ?></th>
        <th scope="col"><?cs var:L.Agent.Queue.Received ?></th>
      </tr></thead>
      <tbody><?cs
  each:c = Customer.Cases ?>
        <tr>
          <td><a href="/agent/cases/<?cs var:c.Number ?>" dir="ltr"><?cs var:c.Number ?></a></td>
          <td><span class="status status-<?cs var:c.Status ?>" data-status="<?cs var:c.Status ?>"><?cs var:L.Status[c.Status] ?></span></td>
          <td><?cs var:L.Type[c.Type] ?></td>
          <td><?cs var:c.Category ?></td>
          <td><time dir="ltr"><?cs var:c.Created ?></time></td>
        </tr><?cs
  /each ?>
      </tbody>
    </table><?cs
  if:subcount(Calls) > 0 ?>
    <h3><?cs var:L.Calls.Heading ?></h3>
<?cs include:"ivr_calls.cs" ?><?cs
  /if ?>
  </section><?cs
elif:Caller.New ?>
  <section class="result" id="no-profile">
    <p><?cs var:L.Agent.Callers.NotFound ?></p><?cs
  if:Staff.Can.register ?>
    <p><a class="button" id="register-for-caller" href="/agent/register?mobile=<?cs var:url_escape(Caller.Mobile) ?>"><?cs var:L.Agent.Callers.NewCase ?></a></p><?cs
  /if ?><?cs
  if:subcount(Calls) > 0 ?>
    <h3><?cs var:L.Calls.Heading ?></h3>
<?cs include:"ivr_calls.cs" ?><?cs
  /if ?>
  </section><?cs
/if ?>
<?cs include:"footer.cs" ?>
