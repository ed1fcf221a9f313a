<?cs include:"header.cs" ?>
  <h1><?cs var:L.Track.Title ?></h1><?cs
if:Case.Number ?>
  <section class="result" aria-labelledby="result-title">
    <h2 id="result-title"><?cs var:L.Track.ResultTitle ?> <span dir="ltr"><?cs var:Case.Number ?></span></h2>
    <dl class="facts">
      <dt><?cs var:L.Track.Status ?></dt>
      <dd><span class="status status-<?cs var:Case.Status ?>" id="case-status" data-status="<?cs var:Case.Status ?>"><?cs var:L.Status[Case.Status] ?></span></dd>
      <dt><?cs var:L.Track.Type ?></dt>
      <dd><?cs var:L.Type[Case.Type] ?></dd>
      <dt><?cs var:L.Track.Category ?></dt>
      <dd><?cs var:Case.Category ?></dd><?cs
  if:Case.Wilayat ?>
      <dt><?cs var:L.Track.Wilayat ?></dt>
      <dd><?cs var:Case.Wilayat ?></dd><?cs
  /if ?>
      <dt><?cs var:L.Track.Created ?></dt>
      <dd><time dir="ltr"><?cs var:Case.Created ?></time></dd>
      <dt><?cs var:L.Track.Updated ?></dt>
      <dd><time dir="ltr"><?cs var:Case.Updated ?></time></dd>
    </dl>
    <h3><?cs var:L.Track.History ?></h3>
    <ol class="history"><?cs
  each:e = Case.Events ?>
      <li><time dir="ltr"><?cs var:e.At ?></time> <?cs var:L.Event[e.Kind] ?><?cs
    if:e.Note ?><p class="note" dir="auto"><?cs var:e.Note ?></p><?cs /if ?></li><?cs
  /each ?>
    </ol>
  </section><?cs
else ?>
  <p class="lead"><?cs var:L.Track.Intro ?></p><?cs
/if ?>
<?cs call:form_errors() ?>
  <form method="post" action="/<?cs var:Page.Lang ?>/track" class="stack narrow">
    <input type="hidden" name="csrf" value="<?cs var:Form.Csrf ?>">
<?cs call:text_input("number", "text", L.Track.Number, L.Track.NumberHint, 1, 'inputmode="numeric" autocomplete="off" dir="ltr" maxlength="20"') ?>
<?cs call:text_input("mobile", "tel", L.Track.Mobile, L.Complaint.MobileHint, 1, 'autocomplete="tel" inputmode="tel" dir="ltr"') ?>
    <p><button type="submit"><?cs var:L.Track.Submit ?></button></p>
  </form>
<?cs include:"footer.cs" ?>
