<?cs include:"macros.cs" ?><!DOCTYPE html>
<html lang="<?cs var:Page.Lang ?>" dir="<?cs var:Page.Dir ?>">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><?cs if:Page.Refresh ?>
<meta http-equiv="refresh" content="<?cs var:Page.Refresh ?>"><?cs /if ?>
<title><?cs var:Page.Title ?> · <?cs var:L.Site.Name ?> · <?cs if:Page.Intranet ?><?cs var:L.Agent.Name ?><?cs else ?><?cs var:L.Site.Owner ?><?cs /if ?></title>
<link rel="stylesheet" href="/static/style.css"><?cs
if:Page.Intranet ?>
<link rel="stylesheet" href="/static/intranet.css"><?cs
/if ?>
<?cs if:!Page.Intranet ?><link rel="alternate" hreflang="<?cs var:Page.OtherLang ?>" href="<?cs var:Page.OtherUrl ?>"><?cs /if ?>
</head>
<body>
<a class="skip" href="#main"><?cs var:L.Nav.Skip ?></a>
<header class="site<?cs if:Page.Intranet ?> intranet<?cs /if ?>">
  <div class="bar"><?cs
if:Page.Intranet ?>
    <a class="brand" href="/agent/cases"><span class="mark" aria-hidden="true">ت</span><span><strong><?cs var:L.Site.Name ?></strong> <small><?cs var:L.Agent.Name ?></small></span></a>
    <nav aria-label="<?cs var:L.Nav.Label ?>"><?cs
  if:Staff.Name ?>
      <a href="/agent/cases"<?cs if:Page.Path == "/agent/cases" ?> aria-current="page"<?cs /if ?>><?cs var:L.Agent.Nav.Queue ?></a>
      <a href="/agent/services" id="nav-services"<?cs if:Page.Path == "/agent/services" ?> aria-current="page"<?cs /if ?>><?cs var:L.Agent.Nav.Services ?></a><?cs if:Staff.Can.callers ?>
      <a href="/agent/callers"<?cs if:Page.Path == "/agent/callers" ?> aria-current="page"<?cs /if ?>><?cs var:L.Agent.Nav.Callers ?></a>
      <a href="/agent/calls" id="nav-calls"<?cs if:Page.Path == "/agent/calls" ?> aria-current="page"<?cs /if ?>><?cs var:L.Agent.Nav.Calls ?></a><?cs /if ?><?cs
    if:Staff.Can.register ?>
      <a href="/agent/register"<?cs if:Page.Path == "/agent/register" ?> aria-current="page"<?cs /if ?>><?cs var:L.Agent.Nav.Register ?></a><?cs
    /if ?><?cs
    if:Staff.Can.qa ?>
      <a href="/agent/qa" id="nav-qa"<?cs if:Page.Path == "/agent/qa" ?> aria-current="page"<?cs /if ?>><?cs var:L.Agent.Nav.Qa ?></a><?cs
    /if ?><?cs
    if:Staff.Can.reports ?>
      <a href="/agent/reports" id="nav-reports"<?cs if:Page.Path == "/agent/reports" ?> aria-current="page"<?cs /if ?>><?cs var:L.Agent.Nav.Reports ?></a><?cs
    /if ?><?cs
    if:Staff.Can.dashboard ?>
      <a href="/agent/dashboard" id="nav-dashboard"<?cs if:Page.Path == "/agent/dashboard" ?> aria-current="page"<?cs /if ?>><?cs var:L.Agent.Nav.Dashboard ?></a><?cs
    /if ?><?cs
    if:Staff.Can.polls ?>
      <a href="/agent/polls" id="nav-polls"<?cs if:Page.Path == "/agent/polls" ?> aria-current="page"<?cs /if ?>><?cs var:L.Agent.Nav.Polls ?></a><?cs
    /if ?>
      <form method="post" action="/agent/lang" class="inline">
        <input type="hidden" name="csrf" value="<?cs var:Staff.Csrf ?>">
        <input type="hidden" name="lang" value="<?cs var:Page.OtherLang ?>">
        <input type="hidden" name="next" value="<?cs var:Page.Path ?>">
        <button type="submit" class="link lang" lang="<?cs var:Page.OtherLang ?>"><?cs var:L.Nav.OtherLanguage ?></button>
      </form>
      <span class="who" id="staff-name"><?cs var:Staff.Name ?> · <?cs var:L.Agent.Role[Staff.Role] ?></span>
      <form method="post" action="/agent/logout" class="inline">
        <input type="hidden" name="csrf" value="<?cs var:Staff.Csrf ?>">
        <button type="submit" class="link" id="logout"><?cs var:L.Agent.Nav.Logout ?></button>
      </form><?cs
  else ?>
      <a class="lang" href="/agent/login?lang=<?cs var:Page.OtherLang ?><?cs if:Form.Value.next ?>&amp;next=<?cs var:url_escape(Form.Value.next) ?><?cs /if ?>" lang="<?cs var:Page.OtherLang ?>"><?cs var:L.Nav.OtherLanguage ?></a><?cs
  /if ?>
    </nav><?cs
else ?>
    <a class="brand" href="/<?cs var:Page.Lang ?>/"><span class="mark" aria-hidden="true">ت</span><span><strong><?cs var:L.Site.Name ?></strong> <small><?cs var:L.Site.Owner ?></small></span></a>
    <nav aria-label="<?cs var:L.Nav.Label ?>">
      <a href="/<?cs var:Page.Lang ?>/complaints/new"<?cs if:Page.Path == "/complaints/new" ?> aria-current="page"<?cs /if ?>><?cs var:L.Nav.NewComplaint ?></a>
      <a href="/<?cs var:Page.Lang ?>/track"<?cs if:Page.Path == "/track" ?> aria-current="page"<?cs /if ?>><?cs var:L.Nav.Track ?></a>
      <a href="/<?cs var:Page.Lang ?>/polls" id="nav-polls"<?cs if:Page.Path == "/polls" ?> aria-current="page"<?cs /if ?>><?cs var:L.Nav.Polls ?></a>
      <a href="/<?cs var:Page.Lang ?>/services" id="nav-services"<?cs if:Page.Path == "/services" ?> aria-current="page"<?cs /if ?>><?cs var:L.Nav.Services ?></a>
      <a class="lang" href="<?cs var:Page.OtherUrl ?>" lang="<?cs var:Page.OtherLang ?>" hreflang="<?cs var:Page.OtherLang ?>"><?cs var:L.Nav.OtherLanguage ?></a>
    </nav><?cs
/if ?>
  </div>
</header>
<main id="main">
