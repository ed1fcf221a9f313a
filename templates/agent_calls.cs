<?cs include:"header.cs" ?>
  <h1><?cs var:L.Calls.Title ?></h1>
  <p class="hint"><?cs var:L.Calls.Intro ?></p><?cs
if:Page.Done ?>
  <p class="notice" role="status" id="calls-done"><?cs var:L.Calls.Done ?></p><?cs
/if ?><?cs
if:subcount(CallFigures) > 0 ?>
  <dl class="facts" id="call-figures"><?cs
  each:f = CallFigures ?>
    <dt><?cs var:L.Calls.Result[f.Outcome] ?></dt>
    <dd data-outcome="<?cs var:f.Outcome ?>"><?cs var:f.Count ?></dd><?cs
  /each ?>
  </dl><?cs
/if ?><?cs
if:subcount(Calls) > 0 ?>
<?cs include:"ivr_calls.cs" ?><?cs
else ?>
  <p id="no-calls"><?cs var:L.Calls.None ?></p><?cs
/if ?>
<?cs include:"footer.cs" ?>
