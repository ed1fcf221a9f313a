<?cs include:"header.cs" ?>
  <p class="crumbs"><a href="/agent/services"><?cs var:L.Directory.Title ?></a> / <a href="/agent/services/<?cs var:Service.Code ?>"><?cs var:Service.Name ?></a></p>
  <h1><?cs var:Page.Title ?></h1>
  <ol class="versions" id="versions"><?cs
each:v = History.Versions ?>
    <li id="version-<?cs var:v.Version ?>" data-version="<?cs var:v.Version ?>">
      <h2><?cs var:L.Directory.Version ?> <?cs var:v.Version ?></h2>
      <p class="hint"><time dir="ltr"><?cs var:v.At ?></time> · <span class="author"><?cs if:v.By ?><?cs var:v.By ?> (<span dir="ltr"><?cs var:v.Username ?></span>)<?cs else ?><?cs var:L.Directory.History.Seed ?><?cs /if ?></span></p><?cs
  if:subcount(v.Changes) > 0 ?>
      <table class="changes">
        <thead><tr><th scope="col"><?cs var:L.Directory.History.Field ?></th><th scope="col"><?cs var:L.Directory.History.Before ?></th><th scope="col"><?cs var:L.Directory.History.After ?></th></tr></thead>
        <tbody><?cs
    each:c = v.Changes ?>
          <tr data-field="<?cs var:c.Field ?>"><th scope="row"><?cs if:L.Field[c.Field] ?><?cs var:L.Field[c.Field] ?><?cs else ?><?cs var:c.Field ?><?cs /if ?></th><td class="old" dir="auto"><?cs var:c.Old ?></td><td class="new" dir="auto"><?cs var:c.New ?></td></tr><?cs
    /each ?>
        </tbody>
      </table><?cs
  elif:v.First ?>
      <p class="empty"><?cs var:L.Directory.History.First ?></p><?cs
  else ?>
      <p class="empty"><?cs var:L.Directory.History.NoChange ?></p><?cs
  /if ?>
    </li><?cs
/each ?>
  </ol>
<?cs include:"footer.cs" ?>
