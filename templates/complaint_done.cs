<?cs include:"header.cs" ?>
  <section class="done"><?cs
if:Case.Request ?>
    <h1><?cs var:L.Done.RequestTitle ?></h1>
    <p><?cs var:L.Done.RequestIntro ?></p>
    <p class="number-label"><?cs var:L.Done.RequestNumberLabel ?></p><?cs
else ?>
    <h1><?cs var:L.Done.Title ?></h1>
    <p><?cs var:L.Done.Intro ?></p>
    <p class="number-label"><?cs var:L.Done.NumberLabel ?></p><?cs
/if ?>
    <p class="case-number" id="case-number" dir="ltr"><?cs var:Case.Number ?></p>
    <p><?cs if:Case.Request ?><?cs var:L.Done.RequestSmsNote ?><?cs else ?><?cs var:L.Done.SmsNote ?><?cs /if ?></p>
    <p><a class="button" id="track-this" href="/<?cs var:Page.Lang ?>/track?number=<?cs var:Case.Number ?>"><?cs if:Case.Request ?><?cs var:L.Done.RequestTrackAction ?><?cs else ?><?cs var:L.Done.TrackAction ?><?cs /if ?></a><?cs
if:Case.Request ?>
       <a class="button secondary" href="/<?cs var:Page.Lang ?>/services"><?cs var:L.Done.RequestAnother ?></a></p><?cs
else ?>
       <a class="button secondary" href="/<?cs var:Page.Lang ?>/complaints/new"><?cs var:L.Done.Another ?></a></p><?cs
/if ?>
  </section>
<?cs include:"footer.cs" ?>
