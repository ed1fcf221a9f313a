<?cs include:"header.cs" ?>
  <h1><?cs var:L.Polls.Title ?></h1>
  <p class="lead"><?cs var:L.Polls.Intro ?></p><?cs
if:subcount(Polls) > 0 ?>
  <ul class="polls" id="polls"><?cs
  each:p = Polls ?>
    <li data-id="<?cs var:p.Id ?>">
      <a href="/<?cs var:Page.Lang ?>/polls/<?cs var:p.Id ?>"><?cs var:p.Title ?></a>
      <span class="kind"><?cs var:L.Polls.Kind[p.Kind] ?></span> ·
      <?cs var:L.Polls.Closes ?> <time dir="ltr"><?cs var:p.Closes ?></time>
    </li><?cs
  /each ?>
  </ul><?cs
else ?>
  <p class="empty" id="polls-empty"><?cs var:L.Polls.None ?></p><?cs
/if ?>
<?cs include:"footer.cs" ?>
