<?cs include:"header.cs" ?>
  <section class="hero">
    <h1><?cs var:L.Home.Title ?></h1>
    <p><?cs var:L.Home.Intro ?></p>
  </section>
  <div class="cards">
    <section class="card">
      <h2><?cs var:L.Home.FileTitle ?></h2>
      <p><?cs var:L.Home.FileText ?></p>
      <p><a class="button" href="/<?cs var:Page.Lang ?>/complaints/new"><?cs var:L.Home.FileAction ?></a></p>
      <p class="more"><a href="/<?cs var:Page.Lang ?>/complaints/new?type=suggestion"><?cs var:L.Home.SuggestAction ?></a> · <a href="/<?cs var:Page.Lang ?>/complaints/new?type=inquiry"><?cs var:L.Home.InquiryAction ?></a></p>
    </section>
    <section class="card">
      <h2><?cs var:L.Home.TrackTitle ?></h2>
      <p><?cs var:L.Home.TrackText ?></p>
      <p><a class="button secondary" href="/<?cs var:Page.Lang ?>/track"><?cs var:L.Home.TrackAction ?></a></p>
    </section>
    <section class="card">
      <h2><?cs var:L.Home.ServicesTitle ?></h2>
      <p><?cs var:L.Home.ServicesText ?></p>
      <p><a class="button secondary" href="/<?cs var:Page.Lang ?>/services" id="home-services"><?cs var:L.Home.ServicesAction ?></a></p>
    </section>
  </div>
  <section>
    <h2><?cs var:L.Home.ChannelsTitle ?></h2>
    <ul class="channels">
      <li><strong dir="ltr"><?cs var:L.Channels.PhoneName ?></strong> <?cs var:L.Channels.PhoneText ?></li>
      <li><strong><?cs var:L.Channels.AppName ?></strong> <?cs var:L.Channels.AppText ?></li>
      <li><strong><?cs var:L.Channels.EmailName ?></strong> <?cs var:L.Channels.EmailText ?> <span dir="ltr"><?cs var:L.Channels.EmailAddress ?></span></li>
      <li><strong><?cs var:L.Channels.SmsName ?></strong> <?cs var:L.Channels.SmsText ?></li>
    </ul>
  </section>
<?cs include:"footer.cs" ?>
