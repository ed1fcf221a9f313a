<?cs include:"header.cs" ?><?cs
def:action_form(action, label) ?>
      <form method="post" action="/agent/cases/<?cs var:Case.Number ?>" class="action" id="action-<?cs var:action ?>">
        <input type="hidden" name="csrf" value="<?cs var:Staff.Csrf ?>">
        <input type="hidden" name="action" value="<?cs var:action ?>">
        <input type="hidden" name="version" value="<?cs var:Case.Version ?>">
        <h3><?cs var:label ?></h3><?cs
/def ?><?cs
def:note_field(action, required) ?>
        <label for="note-<?cs var:action ?>"><?cs var:L.Agent.Case.Note ?><?cs if:!required ?> <span class="opt">(<?cs var:L.Complaint.Optional ?>)</span><?cs /if ?></label>
        <textarea id="note-<?cs var:action ?>" name="note" rows="3" maxlength="2000"<?cs if:required ?> required<?cs /if ?>></textarea><?cs
/def ?>
  <h1><?cs var:L.Agent.Case.Title ?> <span dir="ltr" id="case-number"><?cs var:Case.Number ?></span></h1><?cs
if:Page.Done ?>
  <p class="notice" role="status" id="done"><?cs var:L.Agent.Case.Done ?></p><?cs
/if ?><?cs
if:Form.Error.form ?>
  <div class="alert" role="alert" id="form-errors"><p><?cs var:Form.Error.form ?></p></div><?cs
/if ?>
  <div class="case-grid">
  <section class="result">
    <dl class="facts">
      <dt><?cs var:L.Track.Status ?></dt>
      <dd><span class="status status-<?cs var:Case.Status ?>" id="case-status" data-status="<?cs var:Case.Status ?>"><?cs var:L.Status[Case.Status] ?></span><?cs
if:Case.Overdue == "1" ?> <strong class="late" id="case-overdue"><?cs var:L.Agent.Queue.Late ?> (<?cs var:Case.MinutesLate / 60 ?> <?cs var:L.Agent.Case.Hours ?>)</strong><?cs /if ?><?cs
if:Case.Escalation ?> <span class="escalation" id="case-escalation" data-level="<?cs var:Case.Escalation ?>"><?cs var:L.Agent.Case.Escalation ?> <?cs var:Case.Escalation ?></span><?cs /if ?></dd>
      <dt><?cs var:L.Track.Type ?></dt>
      <dd><?cs var:L.Type[Case.Type] ?></dd>
      <dt><?cs var:L.Agent.Queue.Channel ?></dt>
      <dd><?cs var:L.Channel[Case.Channel] ?></dd>
      <dt><?cs var:L.Agent.Queue.Priority ?></dt>
      <dd id="case-priority" data-priority="<?cs var:Case.Priority ?>"><?cs var:L.Priority[Case.Priority] ?></dd>
      <dt><?cs var:L.Track.Category ?></dt>
      <dd id="case-category" data-category="<?cs var:Case.Category ?>"><?cs var:Case.CategoryName ?></dd>
      <dt><?cs var:L.Agent.Queue.Directorate ?></dt>
      <dd id="case-directorate" data-directorate="<?cs var:Case.Directorate ?>"><?cs var:Case.DirectorateName ?></dd><?cs
if:Case.Wilayat ?>
      <dt><?cs var:L.Track.Wilayat ?></dt>
      <dd><?cs var:Case.Wilayat ?></dd><?cs
/if ?><?cs
if:Case.Location ?>
      <dt><?cs var:L.Complaint.Location ?></dt>
      <dd dir="auto"><?cs var:Case.Location ?></dd><?cs
/if ?><?cs
if:Case.Lat ?>
      <dt><?cs var:L.Complaint.CoordsLegend ?></dt>
      <dd dir="ltr"><?cs var:Case.Lat ?>, <?cs var:Case.Lon ?></dd><?cs
/if ?>
      <dt><?cs var:L.Agent.Queue.Assignee ?></dt>
      <dd id="case-assignee"><?cs if:Case.Assignee ?><?cs var:Case.Assignee ?><?cs else ?>—<?cs /if ?></dd><?cs
if:Case.DuplicateOf ?>
      <dt><?cs var:L.Agent.Case.DuplicateOf ?></dt>
      <dd><a href="/agent/cases/<?cs var:Case.DuplicateOf ?>" dir="ltr"><?cs var:Case.DuplicateOf ?></a></dd><?cs
/if ?>
      <dt><?cs var:L.Track.Created ?></dt>
      <dd><time dir="ltr"><?cs var:Case.Created ?></time></dd>
      <dt><?cs var:L.Agent.Queue.Due ?></dt>
      <dd><time dir="ltr"><?cs var:Case.Due ?></time></dd>
    </dl>
    <h2><?cs var:L.Complaint.Description ?></h2>
    <p class="description" id="case-description" dir="auto"><?cs var:Case.Description ?></p><?cs
if:Case.Service.Code ?>
    <h2><?cs var:L.Agent.Request.Fields ?></h2>
    <dl class="facts" id="request-fields">
      <dt><?cs var:L.Agent.Request.Service ?></dt>
      <dd id="request-service" data-service="<?cs var:Case.Service.Code ?>"><?cs var:Case.Service.Name ?></dd><?cs
  each:f = Case.Fields ?>
      <dt><?cs var:f.Label ?></dt>
      <dd id="field-<?cs var:f.Name ?>" dir="auto"><?cs var:f.Value ?></dd><?cs
  /each ?>
    </dl><?cs
  if:Case.RequestHidden ?>
    <p class="note" id="request-hidden"><?cs var:Case.RequestHidden ?></p><?cs
  /if ?><?cs
/if ?><?cs
if:subcount(Case.Attachments) > 0 ?>
    <h2><?cs var:L.Agent.Request.Attachments ?></h2>
    <ul class="attachments" id="attachments"><?cs
  each:a = Case.Attachments ?>
      <li id="attachment-<?cs var:a.Id ?>" data-type="<?cs var:a.Type ?>"><?cs
    if:a.Thumb == "1" ?>
        <a href="/agent/attachments/<?cs var:a.Id ?>"><img src="/agent/attachments/<?cs var:a.Id ?>/thumb" alt="<?cs var:L.Agent.Request.Thumbnail ?>: <?cs var:a.Name ?>" class="thumb"<?cs if:a.Width ?> data-width="<?cs var:a.Width ?>" data-height="<?cs var:a.Height ?>"<?cs /if ?>></a><?cs
    /if ?>
        <a href="/agent/attachments/<?cs var:a.Id ?>" class="download" dir="auto"><?cs var:a.Name ?></a>
        <span class="size" dir="ltr"><?cs var:a.KiB ?> KiB</span>
      </li><?cs
  /each ?>
    </ul><?cs
/if ?><?cs
if:Case.Mobile ?>
    <h2><?cs var:L.Agent.Case.Resident ?></h2>
    <dl class="facts" id="resident">
      <dt><?cs var:L.Agent.Case.ResidentName ?></dt>
      <dd dir="auto"><?cs var:Case.Name ?></dd>
      <dt><?cs var:L.Complaint.Mobile ?></dt>
      <dd><a dir="ltr" href="/agent/callers?mobile=<?cs var:url_escape(Case.Mobile) ?>" id="resident-mobile"><?cs var:Case.Mobile ?></a></dd><?cs
  if:Case.Email ?>
      <dt><?cs var:L.Complaint.Email ?></dt>
      <dd dir="ltr"><?cs var:Case.Email ?></dd><?cs
  /if ?>
      <dt><?cs var:L.Agent.Case.Language ?></dt>
      <dd><?cs var:L.Agent.Language[Case.Lang] ?></dd>
    </dl><?cs
/if ?>
    <h2><?cs var:L.Track.History ?></h2>
    <ol class="history" id="history"><?cs
each:e = Case.Events ?>
      <li class="<?cs if:e.Public == "1" ?>public<?cs else ?>internal<?cs /if ?>" data-kind="<?cs var:e.Kind ?>"><time dir="ltr"><?cs var:e.At ?></time>
        <strong><?cs if:L.Agent.Event[e.Kind] ?><?cs var:L.Agent.Event[e.Kind] ?><?cs else ?><?cs var:e.Kind ?><?cs /if ?></strong><?cs
  if:e.To && e.From ?> <span class="move"><?cs var:L.Status[e.From] ?> <?cs if:Page.Dir == "rtl" ?>←<?cs else ?>→<?cs /if ?> <?cs var:L.Status[e.To] ?></span><?cs /if ?>
        <span class="actor"><?cs if:e.Actor ?><?cs var:e.Actor ?><?cs else ?><?cs var:L.Agent.Actor[e.ActorKind] ?><?cs /if ?></span>
        <span class="badge"><?cs if:e.Public == "1" ?><?cs var:L.Agent.Case.Public ?><?cs else ?><?cs var:L.Agent.Case.Internal ?><?cs /if ?></span><?cs
  if:e.Note ?>
        <p class="note" dir="auto"><?cs
    if:e.Kind == "priority" ?><?cs if:L.Priority[e.Note] ?><?cs var:L.Priority[e.Note] ?><?cs else ?><?cs var:e.Note ?><?cs /if ?><?cs
    elif:e.Kind == "route" ?><?cs set:shown = e.Note ?><?cs each:d = Ref.Directorates ?><?cs if:d.Code == e.Note ?><?cs set:shown = d.Name ?><?cs /if ?><?cs /each ?><?cs var:shown ?><?cs
    elif:e.Kind == "escalated" && (e.Note == "level 1" || e.Note == "level 2" || e.Note == "level 3") ?><?cs var:L.Agent.EscalationLevel["level" + string.slice(e.Note, 6, 7)] ?><?cs
    elif:e.Kind == "assign" ?><?cs set:shown = e.Note ?><?cs each:a = Assignees ?><?cs if:a.Username == e.Note ?><?cs set:shown = a.Name ?><?cs /if ?><?cs /each ?><?cs var:shown ?><?cs
    elif:e.Kind == "category" ?><?cs set:shown = e.Note ?><?cs each:k = Ref.Categories ?><?cs if:k.Code == e.Note ?><?cs set:shown = k.Name ?><?cs /if ?><?cs /each ?><?cs var:shown ?><?cs
    else ?><?cs var:e.Note ?><?cs
    /if ?></p><?cs
  /if ?></li><?cs
/each ?>
    </ol><?cs
if:subcount(Calls) > 0 ?>
    <h2><?cs var:L.Calls.Heading ?></h2>
<?cs include:"ivr_calls.cs" ?><?cs
/if ?>
  </section>
  <section class="actions" aria-label="<?cs var:L.Agent.Case.Actions ?>"><?cs
if:Case.Can.start ?><?cs call:action_form("start", L.Agent.Action.start) ?>
        <button type="submit"><?cs var:L.Agent.Action.start ?></button>
      </form><?cs
/if ?><?cs
if:Case.Can.assign ?><?cs call:action_form("assign", L.Agent.Action.assign) ?>
<?cs if:!Assignees.0.Username ?>
        <p class="hint" id="no-assignees"><?cs var:L.Agent.Case.NoAssignees ?></p><?cs /if ?>
        <label for="value-assign"><?cs var:L.Agent.Case.AssignTo ?></label>
        <select id="value-assign" name="value" required>
          <option value=""><?cs var:L.Complaint.Choose ?></option><?cs
  each:a = Assignees ?>
          <option value="<?cs var:a.Username ?>"><?cs var:a.Name ?> (<?cs var:L.Agent.Role[a.Role] ?>)</option><?cs
  /each ?>
        </select>
        <button type="submit"><?cs var:L.Agent.Action.assign ?></button>
      </form><?cs
/if ?><?cs
if:Case.Can.resolve ?><?cs call:action_form("resolve", L.Agent.Action.resolve) ?><?cs call:note_field("resolve", 1) ?>
        <button type="submit"><?cs var:L.Agent.Action.resolve ?></button>
      </form><?cs
/if ?><?cs
if:Case.Can.confirm ?><?cs call:action_form("confirm", L.Agent.Action.confirm) ?>
        <p class="hint"><?cs var:L.Agent.Case.ConfirmHint ?></p><?cs call:note_field("confirm", 0) ?>
        <button type="submit"><?cs var:L.Agent.Action.confirm ?></button>
      </form><?cs
/if ?><?cs
if:Case.Can.reply ?><?cs call:action_form("reply", L.Agent.Action.reply) ?>
        <p class="hint"><?cs var:L.Agent.Case.ReplyHint ?></p><?cs call:note_field("reply", 1) ?>
        <button type="submit"><?cs var:L.Agent.Action.reply ?></button>
      </form><?cs
/if ?><?cs
if:Case.Can.note ?><?cs call:action_form("note", L.Agent.Action.note) ?><?cs call:note_field("note", 1) ?>
        <button type="submit"><?cs var:L.Agent.Action.note ?></button>
      </form><?cs
/if ?><?cs
if:Case.Can.route ?><?cs call:action_form("route", L.Agent.Action.route) ?>
        <label for="value-route"><?cs var:L.Agent.Queue.Directorate ?></label>
        <select id="value-route" name="value" required>
          <option value=""><?cs var:L.Complaint.Choose ?></option><?cs
  each:d = Ref.Directorates ?>
          <option value="<?cs var:d.Code ?>"><?cs var:d.Name ?></option><?cs
  /each ?>
        </select>
        <button type="submit"><?cs var:L.Agent.Action.route ?></button>
      </form><?cs
/if ?><?cs
if:Case.Can.priority ?><?cs call:action_form("priority", L.Agent.Action.priority) ?>
        <label for="value-priority"><?cs var:L.Agent.Queue.Priority ?></label>
        <select id="value-priority" name="value" required><?cs
  each:p = L.Priority ?>
          <option value="<?cs name:p ?>"<?cs if:Case.Priority == name(p) ?> selected<?cs /if ?>><?cs var:p ?></option><?cs
  /each ?>
        </select>
        <button type="submit"><?cs var:L.Agent.Action.priority ?></button>
      </form><?cs
/if ?><?cs
if:Case.Can.category ?><?cs call:action_form("category", L.Agent.Action.category) ?>
        <label for="value-category"><?cs var:L.Track.Category ?></label>
        <select id="value-category" name="value" required><?cs
  each:k = Ref.Categories ?>
          <option value="<?cs var:k.Code ?>"<?cs if:Case.Category == k.Code ?> selected<?cs /if ?>><?cs var:k.Name ?></option><?cs
  /each ?>
        </select>
        <button type="submit"><?cs var:L.Agent.Action.category ?></button>
      </form><?cs
/if ?><?cs
if:Case.Can.refer ?><?cs call:action_form("refer", L.Agent.Action.refer) ?>
        <p class="hint"><?cs var:L.Agent.Case.ReferHint ?></p><?cs call:note_field("refer", 1) ?>
        <button type="submit"><?cs var:L.Agent.Action.refer ?></button>
      </form><?cs
/if ?><?cs
if:Case.Can.resume ?><?cs call:action_form("resume", L.Agent.Action.resume) ?>
        <p class="hint"><?cs var:L.Agent.Case.ResumeHint ?></p><?cs call:note_field("resume", 0) ?>
        <button type="submit"><?cs var:L.Agent.Action.resume ?></button>
      </form><?cs
/if ?><?cs
if:Case.Can.reopen ?><?cs call:action_form("reopen", L.Agent.Action.reopen) ?><?cs call:note_field("reopen", 1) ?>
        <button type="submit"><?cs var:L.Agent.Action.reopen ?></button>
      </form><?cs
/if ?><?cs
if:Case.Can.duplicate ?><?cs call:action_form("duplicate", L.Agent.Action.duplicate) ?>
        <label for="value-duplicate"><?cs var:L.Agent.Case.OriginalNumber ?></label>
        <input type="text" id="value-duplicate" name="value" inputmode="numeric" dir="ltr" required maxlength="20">
        <button type="submit"><?cs var:L.Agent.Action.duplicate ?></button>
      </form><?cs
/if ?><?cs
if:Case.Can.reject ?><?cs call:action_form("reject", L.Agent.Action.reject) ?><?cs call:note_field("reject", 1) ?>
        <button type="submit" class="danger"><?cs var:L.Agent.Action.reject ?></button>
      </form><?cs
/if ?>
  </section>
  </div>
<?cs include:"footer.cs" ?>
