<?cs include:"header.cs" ?>
  <h1><?cs var:L.Agent.Login.Title ?></h1><?cs
if:Form.Error.form ?>
  <div class="alert" role="alert" id="form-errors"><p><?cs var:Form.Error.form ?></p></div><?cs
/if ?>
  <form method="post" action="/agent/login" class="stack narrow">
    <input type="hidden" name="csrf" value="<?cs var:Form.Csrf ?>">
    <input type="hidden" name="next" value="<?cs var:Form.Value.next ?>">
    <div class="field">
      <label for="username"><?cs var:L.Agent.Login.Username ?></label>
      <input type="text" id="username" name="username" value="<?cs var:Form.Value.username ?>" required autocomplete="username" autocapitalize="none" dir="ltr" maxlength="64">
    </div>
    <div class="field">
      <label for="password"><?cs var:L.Agent.Login.Password ?></label>
      <input type="password" id="password" name="password" required autocomplete="current-password" maxlength="128">
    </div>
    <p><button type="submit"><?cs var:L.Agent.Login.Submit ?></button></p>
  </form>
<?cs include:"footer.cs" ?>
