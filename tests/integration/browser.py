"""A small W3C WebDriver client for headless Chromium, on the standard
library only (urllib and json).

start_driver() runs chromedriver on a free loopback port, and
Session opens one browser on it. Element lookups take CSS selectors,
and the wait_* methods poll until their condition is true or a timeout
passes, so tests never sleep to let a page load.

The browser is started with flags that keep it on 127.0.0.1: every
host name fails to resolve, every request to an address other than
127.0.0.1 goes to a proxy on a closed loopback port and fails, and most
background services (updates, sync, metrics) are off.
"""
import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

# The key of an element reference in WebDriver responses (W3C WebDriver,
# section "Elements").
ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"

# Seconds a wait_* call polls before it fails, and between two polls.
DEFAULT_TIMEOUT = 10.0
POLL_INTERVAL = 0.05

# Flags of the Chromium command line. Requests to anywhere but
# 127.0.0.1 go to the proxy on 127.0.0.1:9 (discard), where nothing
# listens, so they fail. "<-loopback>" removes the implicit proxy bypass
# of localhost and loopback addresses, so only the 127.0.0.1 entry goes
# direct. Chromium 156 reads the bypass list in order: "<-loopback>"
# placed after 127.0.0.1 sends 127.0.0.1 to the proxy as well.
# NOTE: a net log of this suite (Chromium 156) still shows update,
# account and search-engine requests, all failing at that proxy, and
# the IPv6 reachability check connecting a UDP socket to
# [2001:4860:4860::8888]:443. Connecting a UDP socket sends no packet.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--metrics-recording-only",
    "--disable-features=AutofillServerCommunication,NetworkTimeServiceQuerying,"
    "OptimizationHints,MediaRouter,Translate",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>;127.0.0.1",
    "--lang=en-US",
]

# Profile preferences: the password manager is off, so it checks no
# password for leaks online.
PREFERENCES = {
    "credentials_enable_service": False,
    "profile.password_manager_enabled": False,
    "profile.password_manager_leak_detection": False,
}


class WebDriverError(Exception):
    """An error response of chromedriver: the W3C error code and message."""

    def __init__(self, error, message, request):
        super().__init__("%s: %s (%s)" % (error, message.splitlines()[0] if message else "", request))
        self.error = error


def free_port():
    """Returns a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _http(method, url, body=None, timeout=60):
    """Sends one WebDriver command and returns the decoded "value"."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json; charset=utf-8")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as err:
        try:
            value = json.loads(err.read().decode("utf-8")).get("value", {})
        except ValueError:
            value = {}
        raise WebDriverError(value.get("error", "HTTP %d" % err.code),
                             value.get("message", ""), "%s %s" % (method, url)) from None
    return payload.get("value")


class Driver:
    """A chromedriver process listening on 127.0.0.1:port."""

    def __init__(self, process, port, log_path):
        self.process = process
        self.port = port
        self.url = "http://127.0.0.1:%d" % port
        self.log_path = log_path

    def stop(self):
        """Stops chromedriver, which also ends browsers it still runs."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_driver(log_path, timeout=20.0):
    """Starts chromedriver on a free loopback port, waits until its
    /status reports ready and returns a Driver. Its log goes to log_path."""
    port = free_port()
    log = open(log_path, "ab")
    process = subprocess.Popen([CHROMEDRIVER, "--port=%d" % port, "--log-level=WARNING"],
                               stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    log.close()
    driver = Driver(process, port, log_path)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError("chromedriver exited with status %d; see %s"
                               % (process.returncode, log_path))
        try:
            if _http("GET", driver.url + "/status", timeout=2).get("ready"):
                return driver
        except (OSError, WebDriverError):
            pass
        if time.monotonic() > deadline:
            driver.stop()
            raise RuntimeError("chromedriver did not become ready in %.0f s; see %s"
                               % (timeout, log_path))
        time.sleep(POLL_INTERVAL)


class Element:
    """A reference to an element of the current page."""

    def __init__(self, session, element_id, selector):
        self.session = session
        self.id = element_id
        self.selector = selector

    def _path(self, suffix):
        return "/element/%s/%s" % (self.id, suffix)

    def click(self):
        self.session.command("POST", self._path("click"), {})

    def send_keys(self, text):
        self.session.command("POST", self._path("value"), {"text": text})

    def clear(self):
        self.session.command("POST", self._path("clear"), {})

    @property
    def text(self):
        """The rendered text of the element, as a user would read it."""
        return self.session.command("GET", self._path("text"))

    def attribute(self, name):
        """The attribute as written in the HTML, or None when absent."""
        return self.session.command("GET", self._path("attribute/" + name))

    def property(self, name):
        """The DOM property, such as the current value of a form field."""
        return self.session.command("GET", self._path("property/" + name))

    def find(self, selector):
        """Returns the first descendant matching a CSS selector."""
        value = self.session.command("POST", self._path("element"),
                                     {"using": "css selector", "value": selector})
        return Element(self.session, value[ELEMENT_KEY], selector)

    def __repr__(self):
        return "<Element %s>" % self.selector


class Session:
    """One headless Chromium browser with a fresh profile."""

    def __init__(self, driver, width=1280, height=900):
        self.driver = driver
        self.viewport = (width, height, False)
        self.profile = tempfile.mkdtemp(prefix="tw-chromium-")
        options = {
            "binary": CHROMIUM,
            "prefs": PREFERENCES,
            "args": CHROMIUM_ARGS + ["--user-data-dir=" + self.profile,
                                     "--window-size=%d,%d" % (max(width, 500), height)],
        }
        capabilities = {"alwaysMatch": {
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "timeouts": {"implicit": 0, "pageLoad": 30000, "script": 10000},
            "goog:chromeOptions": options,
        }}
        try:
            value = _http("POST", driver.url + "/session", {"capabilities": capabilities})
        except Exception:
            shutil.rmtree(self.profile, ignore_errors=True)
            raise
        self.id = value["sessionId"]
        self.url = "%s/session/%s" % (driver.url, self.id)
        try:
            self.set_viewport(width, height)
        except Exception:
            self.quit()
            raise

    def command(self, method, path, body=None):
        """Sends a command of this session; path starts with "/"."""
        return _http(method, self.url + path, body)

    def quit(self):
        """Closes the browser and deletes its profile directory."""
        try:
            _http("DELETE", self.url, timeout=20)
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    # Navigation and windows.

    def get(self, url):
        """Loads url and returns when the page has loaded."""
        self.command("POST", "/url", {"url": url})

    @property
    def current_url(self):
        return self.command("GET", "/url")

    def set_viewport(self, width, height, mobile=False):
        """Makes the page's viewport width x height CSS pixels at scale 1,
        with mobile=True as a phone does it (the viewport meta tag
        applies). A headless window cannot be narrower than 500 pixels,
        so this uses ChromeDriver's Chrome DevTools command endpoint with
        Emulation.setDeviceMetricsOverride. It lasts across navigations."""
        self.viewport = (width, height, mobile)
        self._set_device_metrics(width, height, mobile)

    def _set_device_metrics(self, width, height, mobile):
        self.command("POST", "/goog/cdp/execute", {
            "cmd": "Emulation.setDeviceMetricsOverride",
            "params": {"width": width, "height": height,
                       "deviceScaleFactor": 1, "mobile": mobile}})

    def execute(self, script, *args):
        """Runs the body of a JavaScript function with args and returns
        its result."""
        return self.command("POST", "/execute/sync", {"script": script, "args": list(args)})

    # Elements.

    def find_all(self, selector):
        """Returns every element matching a CSS selector, maybe none."""
        values = self.command("POST", "/elements", {"using": "css selector", "value": selector})
        return [Element(self, value[ELEMENT_KEY], selector) for value in values]

    def find(self, selector):
        """Returns the first element matching a CSS selector; raises
        WebDriverError "no such element" when there is none."""
        value = self.command("POST", "/element", {"using": "css selector", "value": selector})
        return Element(self, value[ELEMENT_KEY], selector)

    def wait_until(self, condition, description, timeout=DEFAULT_TIMEOUT):
        """Polls condition() until it returns a true value and returns
        that value. Raises AssertionError naming description on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                result = condition()
            except WebDriverError as err:
                # The page may be between two documents.
                if err.error not in ("no such element", "stale element reference",
                                     "no such execution context"):
                    raise
                result = None
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError("timed out after %.0f s waiting for %s (page %s)"
                                     % (timeout, description, self.current_url))
            time.sleep(POLL_INTERVAL)

    def wait_for(self, selector, timeout=DEFAULT_TIMEOUT):
        """Waits until an element matching a CSS selector is displayed
        and returns it."""
        def displayed():
            elements = self.find_all(selector)
            for element in elements:
                if self.command("GET", "/element/%s/displayed" % element.id):
                    return element
            return None
        return self.wait_until(displayed, "a visible %r" % selector, timeout)

    def wait_for_url(self, predicate, description, timeout=DEFAULT_TIMEOUT):
        """Waits until predicate(current URL) is true and returns the URL."""
        def matches():
            url = self.current_url
            return url if predicate(url) else None
        return self.wait_until(matches, description, timeout)

    # Screenshots.

    def screenshot(self, path, full_page=True):
        """Saves a PNG of the page to path. With full_page, the viewport
        is made as tall as the document for the picture, then restored."""
        width, height, mobile = self.viewport
        if full_page:
            document = self.execute("return Math.ceil(document.documentElement.scrollHeight);")
            if document > height:
                self._set_device_metrics(width, document, mobile)
        try:
            data = self.command("GET", "/screenshot")
        finally:
            if full_page:
                self._set_device_metrics(width, height, mobile)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as png:
            png.write(base64.b64decode(data))
        return path
