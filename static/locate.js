/* Fills the latitude and longitude fields from the browser's
   geolocation when the person presses the button. The form works the
   same without this script: the button stays hidden. */
(function () {
	"use strict";
	var button = document.getElementById("locate");
	var status = document.getElementById("locate-status");
	if (!button || !navigator.geolocation)
		return;
	button.hidden = false;
	button.addEventListener("click", function () {
		button.disabled = true;
		navigator.geolocation.getCurrentPosition(function (pos) {
			document.getElementById("lat").value =
			    pos.coords.latitude.toFixed(6);
			document.getElementById("lon").value =
			    pos.coords.longitude.toFixed(6);
			button.disabled = false;
		}, function () {
			status.textContent = button.getAttribute("data-denied");
			button.disabled = false;
		}, { enableHighAccuracy: true, timeout: 15000 });
	});
})();
