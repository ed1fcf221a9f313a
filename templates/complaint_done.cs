<?cs include:"header.cs" ?>
  <section class="done">
    <h1><?cs var:L.Done.Title ?></h1>
    <p><?cs var:L.Done.Intro ?></p>
    <p class="number-label"><?cs var:L.Done.NumberLabel ?></p>
    <p class="case-number" id="case-number" dir="ltr"><?cs var:Case.Number ?></p>
    <p><?cs var:L.Done.SmsNote ?></p>
    <p><a class="button" href="/<?cs var:Page.Lang ?>/track"><?cs var:L.Done.TrackAction ?></a>
       <a class="button secondary" href="/<?cs var:Page.Lang ?>/complaints/new"><?cs var:L.Done.Another ?></a></p>
  </section>
<?cs include:"footer.cs" ?>
