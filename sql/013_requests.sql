-- Service requests: the fields each requestable service asks for, the
-- values a request gave them, and the files attached to a request.

-- The service a case of type service_request was filed for.
ALTER TABLE cases ADD COLUMN service_id SMALLINT UNSIGNED NULL,
    ADD CONSTRAINT cases_service FOREIGN KEY (service_id)
    REFERENCES services (id);

-- The fields of a service's request form, after the fields every form
-- has. The form shows them in the order of position.
CREATE TABLE service_fields (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	service_id SMALLINT UNSIGNED NOT NULL,
	-- Lowercase letters, digits and '_': the form field is f_<name>.
	name VARCHAR(32) NOT NULL,
	label_ar VARCHAR(200) NOT NULL,
	label_en VARCHAR(200) NOT NULL,
	hint_ar VARCHAR(300) NULL,
	hint_en VARCHAR(300) NULL,
	kind ENUM('text', 'number', 'date', 'choice') NOT NULL,
	required TINYINT(1) NOT NULL DEFAULT 0,
	-- number: the minimum and maximum value allowed. date: the
	-- earliest and latest day, in days from today (0 is today). NULL
	-- leaves that side open.
	min_value INT NULL,
	max_value INT NULL,
	-- text: the most characters allowed.
	max_length SMALLINT UNSIGNED NOT NULL DEFAULT 200,
	position TINYINT UNSIGNED NOT NULL,
	UNIQUE KEY service_fields_name (service_id, name),
	CONSTRAINT service_fields_service FOREIGN KEY (service_id)
	    REFERENCES services (id),
	CONSTRAINT service_fields_name_chars CHECK (name REGEXP '^[a-z0-9_]+$')
) ENGINE=InnoDB;

-- The choices of a field of kind choice. The stored value is the code.
CREATE TABLE service_field_choices (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	field_id INT UNSIGNED NOT NULL,
	code VARCHAR(32) NOT NULL,
	label_ar VARCHAR(200) NOT NULL,
	label_en VARCHAR(200) NOT NULL,
	position TINYINT UNSIGNED NOT NULL,
	UNIQUE KEY service_field_choices_code (field_id, code),
	CONSTRAINT service_field_choices_field FOREIGN KEY (field_id)
	    REFERENCES service_fields (id)
) ENGINE=InnoDB;

-- The values of a request's fields: numbers with ASCII digits, dates as
-- YYYY-MM-DD, choices as their code. An empty optional field has no row.
CREATE TABLE case_field_values (
	case_id INT UNSIGNED NOT NULL,
	field_id INT UNSIGNED NOT NULL,
	value VARCHAR(2000) NOT NULL,
	PRIMARY KEY (case_id, field_id),
	CONSTRAINT case_field_values_case FOREIGN KEY (case_id)
	    REFERENCES cases (id),
	CONSTRAINT case_field_values_field FOREIGN KEY (field_id)
	    REFERENCES service_fields (id)
) ENGINE=InnoDB;

-- The files attached to a case. The bytes are in Attach.Dir under
-- stored_name, and a photo's thumbnail under stored_name ".thumb".
-- Photos are stored upright and without metadata.
CREATE TABLE case_attachments (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	case_id INT UNSIGNED NOT NULL,
	-- 24 base64url characters of 18 random bytes.
	stored_name CHAR(24) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	-- The name the resident's browser gave, for display only.
	file_name VARCHAR(255) NOT NULL,
	content_type VARCHAR(40) NOT NULL,
	size INT UNSIGNED NOT NULL,
	-- Of the stored bytes, 64 lower-case hex digits.
	sha256 CHAR(64) CHARACTER SET ascii NOT NULL,
	-- Photos only, NULL for a PDF.
	width INT UNSIGNED NULL,
	height INT UNSIGNED NULL,
	has_thumb TINYINT(1) NOT NULL DEFAULT 0,
	created_at DATETIME NOT NULL,
	UNIQUE KEY case_attachments_stored (stored_name),
	KEY case_attachments_case (case_id),
	CONSTRAINT case_attachments_case FOREIGN KEY (case_id)
	    REFERENCES cases (id)
) ENGINE=InnoDB;

-- The fields of the requestable services.
INSERT INTO service_fields (service_id, name, label_ar, label_en, hint_ar,
    hint_en, kind, required, min_value, max_value, max_length, position)
VALUES
((SELECT id FROM services WHERE code = 'waste-container'), 'container_size',
 'حجم الحاوية', 'Container size', NULL, NULL, 'choice', 1, NULL, NULL, 200, 1),
((SELECT id FROM services WHERE code = 'waste-container'), 'containers',
 'عدد الحاويات', 'Number of containers',
 'من 1 إلى 4 حاويات لكل عنوان.', 'From 1 to 4 containers per address.',
 'number', 1, 1, 4, 200, 2),
((SELECT id FROM services WHERE code = 'waste-container'), 'reason',
 'سبب الطلب', 'Reason for the request', NULL, NULL, 'choice', 1, NULL, NULL,
 200, 3),
((SELECT id FROM services WHERE code = 'waste-container'), 'needed_from',
 'مطلوبة ابتداءً من', 'Needed from',
 'خلال الأيام التسعين القادمة.', 'Within the next 90 days.',
 'date', 0, 0, 90, 200, 4),

((SELECT id FROM services WHERE code = 'bulky-waste'), 'item_kind',
 'نوع المخلفات', 'Kind of waste', NULL, NULL, 'choice', 1, NULL, NULL, 200, 1),
((SELECT id FROM services WHERE code = 'bulky-waste'), 'item_count',
 'عدد القطع', 'Number of items',
 'من 1 إلى 20 قطعة في الزيارة الواحدة.', 'From 1 to 20 items per visit.',
 'number', 1, 1, 20, 200, 2),
((SELECT id FROM services WHERE code = 'bulky-waste'), 'pickup_date',
 'تاريخ الجمع المفضل', 'Preferred collection date',
 'من الغد إلى ستين يوماً.', 'From tomorrow up to 60 days ahead.',
 'date', 1, 1, 60, 200, 3),
((SELECT id FROM services WHERE code = 'bulky-waste'), 'access_notes',
 'ملاحظات الوصول', 'Access notes',
 'مثلاً: أمام البوابة الخلفية.', 'For example: outside the back gate.',
 'text', 0, NULL, NULL, 300, 4),

((SELECT id FROM services WHERE code = 'pest-control'), 'pest',
 'نوع الآفة', 'Pest', NULL, NULL, 'choice', 1, NULL, NULL, 200, 1),
((SELECT id FROM services WHERE code = 'pest-control'), 'premises',
 'نوع المكان', 'Type of premises', NULL, NULL, 'choice', 1, NULL, NULL, 200, 2),
((SELECT id FROM services WHERE code = 'pest-control'), 'rooms',
 'عدد الغرف', 'Number of rooms', NULL, NULL, 'number', 0, 1, 30, 200, 3),
((SELECT id FROM services WHERE code = 'pest-control'), 'visit_date',
 'تاريخ الزيارة المفضل', 'Preferred visit date',
 'من الغد إلى ثلاثين يوماً.', 'From tomorrow up to 30 days ahead.',
 'date', 1, 1, 30, 200, 4),

((SELECT id FROM services WHERE code = 'street-light-repair'), 'fault',
 'نوع العطل', 'Fault', NULL, NULL, 'choice', 1, NULL, NULL, 200, 1),
((SELECT id FROM services WHERE code = 'street-light-repair'), 'pole_number',
 'رقم العمود', 'Pole number',
 'الرقم المكتوب على العمود إن وُجد.', 'The number painted on the pole, if any.',
 'text', 0, NULL, NULL, 20, 2),
((SELECT id FROM services WHERE code = 'street-light-repair'), 'poles',
 'عدد الأعمدة المتأثرة', 'Poles affected', NULL, NULL, 'number', 1, 1, 50,
 200, 3),

((SELECT id FROM services WHERE code = 'speed-bump'), 'street_name',
 'اسم الشارع أو رقمه', 'Street name or number', NULL, NULL, 'text', 1, NULL,
 NULL, 100, 1),
((SELECT id FROM services WHERE code = 'speed-bump'), 'reason',
 'سبب الطلب', 'Reason for the request', NULL, NULL, 'choice', 1, NULL, NULL,
 200, 2),
((SELECT id FROM services WHERE code = 'speed-bump'), 'supporters',
 'عدد السكان المؤيدين', 'Residents supporting the request',
 'إن جمعتم توقيعات.', 'If you collected signatures.',
 'number', 0, 0, 1000, 200, 3),

((SELECT id FROM services WHERE code = 'abandoned-vehicle'), 'vehicle_type',
 'نوع المركبة', 'Vehicle type', NULL, NULL, 'choice', 1, NULL, NULL, 200, 1),
((SELECT id FROM services WHERE code = 'abandoned-vehicle'), 'plate',
 'رقم اللوحة', 'Plate number', 'إن كانت اللوحة موجودة.',
 'If the plate is still on.', 'text', 0, NULL, NULL, 20, 2),
((SELECT id FROM services WHERE code = 'abandoned-vehicle'), 'colour',
 'اللون', 'Colour', NULL, NULL, 'text', 1, NULL, NULL, 40, 3),
((SELECT id FROM services WHERE code = 'abandoned-vehicle'), 'days_seen',
 'منذ كم يوم وهي متروكة', 'Days it has been left', NULL, NULL, 'number', 1,
 1, 3650, 200, 4),
((SELECT id FROM services WHERE code = 'abandoned-vehicle'), 'seen_since',
 'تاريخ أول مشاهدة', 'First seen on',
 'خلال السنة الماضية.', 'Within the past year.',
 'date', 0, -365, 0, 200, 5);

-- The choices, by service code and field name.
INSERT INTO service_field_choices (field_id, code, label_ar, label_en,
    position)
SELECT f.id, c.code, c.label_ar, c.label_en, c.position
FROM service_fields f
JOIN services s ON s.id = f.service_id
JOIN (
	SELECT 'waste-container' AS service, 'container_size' AS field,
	    '240l' AS code, '240 لتراً (منزلية)' AS label_ar,
	    '240 litres (household)' AS label_en, 1 AS position
	UNION ALL SELECT 'waste-container', 'container_size', '660l',
	    '660 لتراً', '660 litres', 2
	UNION ALL SELECT 'waste-container', 'container_size', '1100l',
	    '1100 لتر (مبانٍ وعمارات)', '1100 litres (buildings)', 3
	UNION ALL SELECT 'waste-container', 'reason', 'new_building',
	    'مبنى جديد', 'New building', 1
	UNION ALL SELECT 'waste-container', 'reason', 'damaged',
	    'الحاوية الحالية تالفة', 'The current container is damaged', 2
	UNION ALL SELECT 'waste-container', 'reason', 'missing',
	    'الحاوية مفقودة', 'The container is missing', 3
	UNION ALL SELECT 'waste-container', 'reason', 'more',
	    'حاوية إضافية', 'An additional container', 4
	UNION ALL SELECT 'bulky-waste', 'item_kind', 'furniture',
	    'أثاث', 'Furniture', 1
	UNION ALL SELECT 'bulky-waste', 'item_kind', 'appliances',
	    'أجهزة كهربائية', 'Household appliances', 2
	UNION ALL SELECT 'bulky-waste', 'item_kind', 'garden',
	    'مخلفات حدائق وأشجار', 'Garden and tree waste', 3
	UNION ALL SELECT 'bulky-waste', 'item_kind', 'mixed',
	    'مخلفات متنوعة', 'Mixed items', 4
	UNION ALL SELECT 'pest-control', 'pest', 'cockroaches',
	    'صراصير', 'Cockroaches', 1
	UNION ALL SELECT 'pest-control', 'pest', 'rodents',
	    'فئران وجرذان', 'Rats and mice', 2
	UNION ALL SELECT 'pest-control', 'pest', 'mosquitoes',
	    'بعوض', 'Mosquitoes', 3
	UNION ALL SELECT 'pest-control', 'pest', 'flies',
	    'ذباب', 'Flies', 4
	UNION ALL SELECT 'pest-control', 'pest', 'termites',
	    'نمل أبيض', 'Termites', 5
	UNION ALL SELECT 'pest-control', 'premises', 'house',
	    'منزل', 'House', 1
	UNION ALL SELECT 'pest-control', 'premises', 'apartment',
	    'شقة', 'Apartment', 2
	UNION ALL SELECT 'pest-control', 'premises', 'farm',
	    'مزرعة', 'Farm', 3
	UNION ALL SELECT 'pest-control', 'premises', 'public',
	    'مكان عام أو حديقة', 'Public place or park', 4
	UNION ALL SELECT 'street-light-repair', 'fault', 'off',
	    'الإنارة مطفأة', 'The light is off', 1
	UNION ALL SELECT 'street-light-repair', 'fault', 'flickering',
	    'الإنارة متقطعة', 'The light flickers', 2
	UNION ALL SELECT 'street-light-repair', 'fault', 'day',
	    'الإنارة تعمل نهاراً', 'The light stays on by day', 3
	UNION ALL SELECT 'street-light-repair', 'fault', 'pole',
	    'العمود مائل أو تالف', 'The pole leans or is damaged', 4
	UNION ALL SELECT 'street-light-repair', 'fault', 'cables',
	    'أسلاك مكشوفة', 'Exposed cables', 5
	UNION ALL SELECT 'speed-bump', 'reason', 'school',
	    'قرب مدرسة', 'Near a school', 1
	UNION ALL SELECT 'speed-bump', 'reason', 'mosque',
	    'قرب مسجد', 'Near a mosque', 2
	UNION ALL SELECT 'speed-bump', 'reason', 'residential',
	    'شارع سكني', 'Residential street', 3
	UNION ALL SELECT 'speed-bump', 'reason', 'accidents',
	    'حوادث متكررة', 'Repeated accidents', 4
	UNION ALL SELECT 'abandoned-vehicle', 'vehicle_type', 'car',
	    'سيارة', 'Car', 1
	UNION ALL SELECT 'abandoned-vehicle', 'vehicle_type', 'truck',
	    'شاحنة', 'Truck', 2
	UNION ALL SELECT 'abandoned-vehicle', 'vehicle_type', 'motorbike',
	    'دراجة نارية', 'Motorbike', 3
	UNION ALL SELECT 'abandoned-vehicle', 'vehicle_type', 'boat',
	    'قارب أو مقطورة', 'Boat or trailer', 4
) c ON c.service = s.code AND c.field = f.name;
