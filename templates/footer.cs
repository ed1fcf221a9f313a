</main>
<footer class="site">
  <p><?cs var:L.Footer.Text ?></p>
</footer>
</body>
</html>
