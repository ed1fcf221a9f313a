<?cs include:"macros.cs" ?><!DOCTYPE html>
<html lang="<?cs var:Page.Lang ?>" dir="<?cs var:Page.Dir ?>">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><?cs var:Page.Title ?> · <?cs var:L.Site.Name ?> · <?cs var:L.Site.Owner ?></title>
<link rel="stylesheet" href="/static/style.css">
<link rel="alternate" hreflang="<?cs var:Page.OtherLang ?>" href="<?cs var:Page.OtherUrl ?>">
</head>
<body>
<a class="skip" href="#main"><?cs var:L.Nav.Skip ?></a>
<header class="site">
  <div class="bar">
    <a class="brand" href="/<?cs var:Page.Lang ?>/"><span class="mark" aria-hidden="true">ت</span><span><strong><?cs var:L.Site.Name ?></strong> <small><?cs var:L.Site.Owner ?></small></span></a>
    <nav aria-label="<?cs var:L.Nav.Label ?>">
      <a href="/<?cs var:Page.Lang ?>/complaints/new"<?cs if:Page.Path == "/complaints/new" ?> aria-current="page"<?cs /if ?>><?cs var:L.Nav.NewComplaint ?></a>
      <a href="/<?cs var:Page.Lang ?>/track"<?cs if:Page.Path == "/track" ?> aria-current="page"<?cs /if ?>><?cs var:L.Nav.Track ?></a>
      <a class="lang" href="<?cs var:Page.OtherUrl ?>" lang="<?cs var:Page.OtherLang ?>" hreflang="<?cs var:Page.OtherLang ?>"><?cs var:L.Nav.OtherLanguage ?></a>
    </nav>
  </div>
</header>
<main id="main">
