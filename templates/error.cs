<?cs include:"header.cs" ?>
  <section class="error-page">
    <h1><?cs var:Page.Title ?></h1>
    <p><?cs var:Page.Message ?></p>
    <p><a class="button" href="<?cs if:Page.Intranet ?>/agent/cases<?cs else ?>/<?cs var:Page.Lang ?>/<?cs /if ?>"><?cs var:L.Error.Home ?></a></p>
  </section>
<?cs include:"footer.cs" ?>
