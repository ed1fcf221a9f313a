<?cs include:"header.cs" ?><?cs
# One procedure, in the portal and in the intranet (Page.Intranet),
  where it also has the internal notes and the send form. ?>
  <p class="crumbs"><a href="<?cs var:Directory.Base ?>"><?cs var:L.Directory.Title ?></a> / <a href="<?cs var:Directory.Base ?>?d=<?cs var:url_escape(Service.Directorate) ?>"><?cs var:Service.DirectorateName ?></a></p>
  <article class="procedure" id="procedure" data-code="<?cs var:Service.Code ?>">
  <h1 id="service-name"><?cs var:Service.Name ?></h1><?cs
if:Page.Sent ?>
  <p class="notice" role="status" id="sent"><?cs var:L.Directory.Send.Done ?></p><?cs
/if ?><?cs
if:Page.Saved ?>
  <p class="notice" role="status" id="saved"><?cs var:L.Directory.Edit.Saved ?> <?cs var:Service.Version ?></p><?cs
/if ?><?cs
if:Service.Active == "0" ?>
  <p class="notice" id="inactive"><?cs var:L.Directory.InactiveNote ?></p><?cs
/if ?>
  <p class="directorate" id="service-directorate"><?cs var:Service.DirectorateName ?></p>
  <section>
    <h2><?cs var:L.Service.Description ?></h2>
    <p id="service-description"><?cs var:Service.Description ?></p>
  </section>
  <section>
    <h2><?cs var:L.Service.Steps ?></h2>
    <ol class="steps" id="service-steps"><?cs
each:step = Service.Steps ?>
      <li><?cs var:step ?></li><?cs
/each ?>
    </ol>
  </section>
  <section>
    <h2><?cs var:L.Service.Documents ?></h2>
    <ul class="documents" id="service-documents"><?cs
each:doc = Service.Documents ?>
      <li><?cs var:doc ?></li><?cs
/each ?>
    </ul>
  </section>
  <dl class="facts">
    <dt><?cs var:L.Service.Fees ?></dt>
    <dd id="service-fees"><?cs var:Service.Fees ?></dd>
    <dt><?cs var:L.Service.Duration ?></dt>
    <dd id="service-duration"><?cs var:Service.Duration ?></dd>
    <dt><?cs var:L.Service.Where ?></dt>
    <dd id="service-where"><?cs var:Service.Where ?></dd>
  </dl><?cs
if:Service.Requestable == "1" && !Page.Intranet ?>
  <p class="request"><a class="button" id="request-online" href="/<?cs var:Page.Lang ?>/services/<?cs var:Service.Code ?>/request"><?cs var:L.Directory.RequestOnline ?></a></p><?cs
/if ?><?cs
if:!Page.Intranet ?>
  <p class="hint"><?cs var:L.Directory.PrintHint ?></p><?cs
/if ?>
  </article><?cs
if:Page.Intranet ?>
  <section class="internal" id="internal">
    <h2><?cs var:L.Directory.InternalNotes ?></h2><?cs
  if:Service.InternalNotes ?>
    <p class="note" id="internal-notes"><?cs var:Service.InternalNotes ?></p><?cs
  else ?>
    <p class="empty"><?cs var:L.Directory.NoNotes ?></p><?cs
  /if ?>
    <p class="hint" id="service-version"><?cs var:L.Directory.Version ?> <?cs var:Service.Version ?> · <time dir="ltr"><?cs var:Service.Updated ?></time><?cs if:Service.UpdatedBy ?> · <?cs var:Service.UpdatedBy ?><?cs /if ?><?cs if:Service.IvrRank ?> · <?cs var:L.Directory.IvrRank ?> <?cs var:Service.IvrRank ?><?cs /if ?></p>
    <p><a href="/agent/services/<?cs var:Service.Code ?>/history" id="history-link"><?cs var:L.Directory.History.Title ?></a><?cs
  if:Staff.Can.services ?> · <a href="/agent/services/<?cs var:Service.Code ?>/edit" id="edit-link"><?cs var:L.Directory.Edit.Link ?></a><?cs /if ?></p>
  </section><?cs
  if:Staff.Can.procedure ?>
<?cs call:form_errors() ?>
  <form method="post" action="/agent/services/<?cs var:Service.Code ?>/send" class="stack" id="send-form">
    <input type="hidden" name="csrf" value="<?cs var:Staff.Csrf ?>">
    <h2><?cs var:L.Directory.Send.Title ?></h2>
    <p class="hint"><?cs var:L.Directory.Send.Intro ?></p>
<?cs call:text_input("mobile", "tel", L.Complaint.Mobile, L.Complaint.MobileHint, 0, 'inputmode="tel" dir="ltr"') ?>
<?cs call:text_input("email", "email", L.Complaint.Email, "", 0, 'dir="ltr" maxlength="254"') ?>
    <fieldset class="field<?cs if:Form.Error.lang ?> invalid<?cs /if ?>" id="lang">
      <legend><?cs var:L.Directory.Send.Lang ?></legend><?cs
call:field_error("lang") ?>
      <div class="choices">
        <label class="choice"><input type="radio" name="lang" value="ar"<?cs if:Form.Value.lang == "ar" ?> checked<?cs /if ?>> العربية</label>
        <label class="choice"><input type="radio" name="lang" value="en"<?cs if:Form.Value.lang == "en" ?> checked<?cs /if ?>> English</label>
      </div>
    </fieldset>
<?cs call:text_input("case", "text", L.Directory.Send.Case, L.Directory.Send.CaseHint, 0, 'inputmode="numeric" dir="ltr" maxlength="20"') ?>
    <p><button type="submit"><?cs var:L.Directory.Send.Button ?></button></p>
  </form><?cs
  /if ?><?cs
/if ?>
<?cs include:"footer.cs" ?>
