<?cs include:"header.cs" ?>
  <section class="error-page" id="survey-gone">
    <h1><?cs var:L.Survey.Gone.Title ?></h1>
    <p><?cs var:L.Survey.Gone.Message ?></p>
    <p><a class="button" href="/<?cs var:Page.Lang ?>/track"><?cs var:L.Survey.Gone.Track ?></a></p>
  </section>
  <section class="error-page" id="survey-gone-other" lang="<?cs var:Page.OtherLang ?>" dir="<?cs if:Page.OtherLang == "ar" ?>rtl<?cs else ?>ltr<?cs /if ?>">
    <h2><?cs var:Other.Title ?></h2>
    <p><?cs var:Other.Message ?></p>
    <p><a class="button secondary" href="/<?cs var:Page.OtherLang ?>/track"><?cs var:Other.Track ?></a></p>
  </section>
<?cs include:"footer.cs" ?>
