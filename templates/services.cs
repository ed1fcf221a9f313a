<?cs include:"header.cs" ?><?cs
# The directory, in the portal and in the intranet (Page.Intranet):
  Directory.Base is /LANG/services or /agent/services. ?>
  <h1><?cs var:L.Directory.Title ?></h1>
  <p class="lead"><?cs var:L.Directory.Intro ?></p><?cs
if:Page.Intranet && Staff.Can.services ?>
  <p><a class="button secondary" href="/agent/services/new" id="new-service"><?cs var:L.Directory.Edit.NewTitle ?></a></p><?cs
/if ?>
<?cs call:form_errors() ?>
  <form method="get" action="<?cs var:Directory.Base ?>" class="directory-search" role="search">
    <div class="field<?cs if:Form.Error.q ?> invalid<?cs /if ?>">
      <label for="q"><?cs var:L.Directory.Search ?></label>
      <p class="hint" id="q-hint"><?cs var:L.Directory.SearchHint ?></p><?cs
call:field_error("q") ?>
      <div class="search-row">
        <input type="search" id="q" name="q" value="<?cs var:Form.Value.q ?>" maxlength="100"<?cs call:described("q", "1") ?>>
        <button type="submit"><?cs var:L.Directory.SearchButton ?></button>
      </div>
    </div>
  </form><?cs
if:Directory.Searched ?>
  <section class="results" id="results" aria-live="polite">
    <h2><?cs var:L.Directory.Results ?></h2><?cs
  if:Directory.Count > 0 ?>
    <p class="hint" id="result-count"><?cs var:L.Directory.Found ?> <?cs var:Directory.Count ?></p>
    <ul class="services"><?cs
    each:s = Directory.Results ?>
      <li data-code="<?cs var:s.Code ?>"><a href="<?cs var:Directory.Base ?>/<?cs var:s.Code ?>"><?cs var:s.Name ?></a><?cs
      if:s.Requestable == "1" ?> <span class="tag"><?cs var:L.Directory.Online ?></span><?cs /if ?><?cs
      if:s.Active == "0" ?> <span class="tag off"><?cs var:L.Directory.Inactive ?></span><?cs /if ?>
        <span class="directorate"><?cs var:s.DirectorateName ?></span></li><?cs
    /each ?>
    </ul><?cs
  else ?>
    <p class="empty" id="no-results"><?cs var:L.Directory.NoResults ?></p><?cs
  /if ?>
    <p><a href="<?cs var:Directory.Base ?>"><?cs var:L.Directory.All ?></a></p>
  </section><?cs
elif:!Form.HasErrors ?><?cs
  if:!Directory.Filtered ?>
  <nav class="jump" aria-label="<?cs var:L.Directory.Directorates ?>"><?cs
    each:g = Directory.Groups ?>
    <a href="#d-<?cs var:g.Code ?>"><?cs var:g.Name ?></a><?cs
    /each ?>
  </nav><?cs
  /if ?><?cs
  each:g = Directory.Groups ?>
  <section class="directorate-group" id="d-<?cs var:g.Code ?>">
    <h2><a href="<?cs var:Directory.Base ?>?d=<?cs var:url_escape(g.Code) ?>"><?cs var:g.Name ?></a></h2>
    <ul class="services"><?cs
    each:s = g.Services ?>
      <li data-code="<?cs var:s.Code ?>"><a href="<?cs var:Directory.Base ?>/<?cs var:s.Code ?>"><?cs var:s.Name ?></a><?cs
      if:s.Requestable == "1" ?> <span class="tag"><?cs var:L.Directory.Online ?></span><?cs /if ?><?cs
      if:s.Active == "0" ?> <span class="tag off"><?cs var:L.Directory.Inactive ?></span><?cs /if ?></li><?cs
    /each ?>
    </ul>
  </section><?cs
  /each ?><?cs
  if:Directory.Filtered ?>
  <p><a href="<?cs var:Directory.Base ?>"><?cs var:L.Directory.All ?></a></p><?cs
  /if ?><?cs
/if ?>
<?cs include:"footer.cs" ?>
