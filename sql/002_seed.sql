-- Reference data: directorates, the wilayats of Muscat Governorate and
-- case categories. Directorate and wilayat sort values step by 10, and
-- each category group starts a new hundred, so rows can be added later
-- without renumbering.

-- NOTE: The directorates are a plausible structure for Muscat
-- Municipality, not its official organisation chart. An administrator
-- should check the names before go-live.
INSERT INTO directorates (code, name_ar, name_en, sort) VALUES
	('roads', 'المديرية العامة للطرق والنقل',
	    'Directorate General of Roads and Transport', 10),
	('lighting', 'المديرية العامة للإنارة والأعمال الكهربائية',
	    'Directorate General of Street Lighting and Electrical Works', 20),
	('parking', 'المديرية العامة لمواقف السيارات وهندسة المرور',
	    'Directorate General of Parking and Traffic Engineering', 30),
	('buildings', 'المديرية العامة للتخطيط وتراخيص البناء',
	    'Directorate General of Planning and Building Permits', 40),
	('waste', 'المديرية العامة للنظافة وإدارة النفايات',
	    'Directorate General of Cleanliness and Waste Management', 50),
	('health', 'المديرية العامة للشؤون الصحية',
	    'Directorate General of Health Affairs', 60),
	-- A department of Health Affairs, kept as its own row so that pest
	-- cases go straight to it.
	('pest_control', 'دائرة مكافحة الحشرات والقوارض',
	    'Pest Control Department', 70),
	('licences', 'المديرية العامة للتراخيص والأنشطة التجارية',
	    'Directorate General of Licences and Commercial Activities', 80),
	('parks', 'المديرية العامة للحدائق والأماكن العامة',
	    'Directorate General of Parks and Public Spaces', 90),
	('inspection', 'المديرية العامة للرقابة البلدية',
	    'Directorate General of Municipal Inspection', 100),
	-- The first line of support, which triages cases and owns the
	-- category 'other'.
	('customer_service', 'المديرية العامة لخدمات المراجعين ومركز الاتصال',
	    'Directorate General of Customer Service and Contact Centre', 110),
	('chairman', 'مكتب رئيس البلدية',
	    'Office of the Chairman', 120);

INSERT INTO wilayats (code, name_ar, name_en, sort) VALUES
	('muscat', 'مسقط', 'Muscat', 10),
	('muttrah', 'مطرح', 'Muttrah', 20),
	('bawshar', 'بوشر', 'Bawshar', 30),
	('seeb', 'السيب', 'As Seeb', 40),
	('amarat', 'العامرات', 'Al Amarat', 50),
	('qurayyat', 'قريات', 'Qurayyat', 60);

-- SLA hours by priority: urgent 4 to 24, high 48, normal 72 to 168,
-- low 240. Health and safety categories must be urgent (CHECK
-- categories_urgent).

-- Roads and streets.
INSERT INTO categories (code, name_ar, name_en, directorate_id,
    sla_hours, priority, health_safety, sort) VALUES
	('pothole', 'حفرة في الطريق', 'Pothole',
	    (SELECT id FROM directorates WHERE code = 'roads'),
	    48, 'high', 0, 100),
	('road_damage', 'تلف أو هبوط في الطريق',
	    'Damaged or sunken road surface',
	    (SELECT id FROM directorates WHERE code = 'roads'),
	    48, 'high', 0, 101),
	('road_sign', 'لوحة مرورية تالفة أو مفقودة',
	    'Damaged or missing road sign',
	    (SELECT id FROM directorates WHERE code = 'roads'),
	    120, 'normal', 0, 102),
	('speed_bump', 'طلب مطب صناعي أو صيانته',
	    'Speed bump request or repair',
	    (SELECT id FROM directorates WHERE code = 'roads'),
	    240, 'low', 0, 103),
	('drain_blocked', 'انسداد مصرف مياه الأمطار أو تجمع المياه',
	    'Blocked storm drain or standing rain water',
	    (SELECT id FROM directorates WHERE code = 'roads'),
	    48, 'high', 0, 104),
	('sidewalk_damaged', 'رصيف تالف', 'Damaged sidewalk',
	    (SELECT id FROM directorates WHERE code = 'roads'),
	    120, 'normal', 0, 105);

-- Street lighting.
INSERT INTO categories (code, name_ar, name_en, directorate_id,
    sla_hours, priority, health_safety, sort) VALUES
	('light_out', 'إنارة شارع معطلة', 'Street light out',
	    (SELECT id FROM directorates WHERE code = 'lighting'),
	    72, 'normal', 0, 200),
	('light_pole_danger', 'عمود إنارة متضرر أو أسلاك كهربائية مكشوفة',
	    'Damaged light pole or exposed wires',
	    (SELECT id FROM directorates WHERE code = 'lighting'),
	    4, 'urgent', 1, 201);

-- Parking.
INSERT INTO categories (code, name_ar, name_en, directorate_id,
    sla_hours, priority, health_safety, sort) VALUES
	('illegal_parking', 'وقوف مخالف للمركبات', 'Illegal parking',
	    (SELECT id FROM directorates WHERE code = 'parking'),
	    72, 'normal', 0, 300),
	('parking_meter', 'عداد مواقف معطل', 'Faulty parking meter',
	    (SELECT id FROM directorates WHERE code = 'parking'),
	    72, 'normal', 0, 301),
	('parking_permit', 'طلب أو استفسار عن تصريح موقف',
	    'Parking permit request or inquiry',
	    (SELECT id FROM directorates WHERE code = 'parking'),
	    120, 'normal', 0, 302);

-- Building and excavation permits.
INSERT INTO categories (code, name_ar, name_en, directorate_id,
    sla_hours, priority, health_safety, sort) VALUES
	('unlicensed_building', 'أعمال بناء دون ترخيص',
	    'Unlicensed construction',
	    (SELECT id FROM directorates WHERE code = 'buildings'),
	    48, 'high', 0, 400),
	('excavation_no_permit', 'أعمال حفر دون تصريح',
	    'Excavation without a permit',
	    (SELECT id FROM directorates WHERE code = 'buildings'),
	    48, 'high', 0, 401),
	('unsafe_building', 'مبنى آيل للسقوط أو غير آمن',
	    'Unsafe or dilapidated building',
	    (SELECT id FROM directorates WHERE code = 'buildings'),
	    8, 'urgent', 1, 402);

-- Waste containers and street cleaning.
INSERT INTO categories (code, name_ar, name_en, directorate_id,
    sla_hours, priority, health_safety, sort) VALUES
	('container_full', 'حاوية نفايات ممتلئة', 'Full waste container',
	    (SELECT id FROM directorates WHERE code = 'waste'),
	    48, 'high', 0, 500),
	('container_request', 'حاوية نفايات تالفة أو طلب حاوية',
	    'Damaged waste container or container request',
	    (SELECT id FROM directorates WHERE code = 'waste'),
	    120, 'normal', 0, 501),
	('street_cleaning', 'نظافة الشوارع', 'Street cleaning',
	    (SELECT id FROM directorates WHERE code = 'waste'),
	    72, 'normal', 0, 502),
	('bulky_waste', 'نفايات كبيرة الحجم (أثاث وأجهزة)',
	    'Bulky waste (furniture, appliances)',
	    (SELECT id FROM directorates WHERE code = 'waste'),
	    120, 'normal', 0, 503),
	('construction_waste', 'رمي مخلفات البناء والهدم',
	    'Dumped construction and demolition waste',
	    (SELECT id FROM directorates WHERE code = 'waste'),
	    120, 'normal', 0, 504),
	('abandoned_vehicle', 'مركبة مهملة', 'Abandoned vehicle',
	    (SELECT id FROM directorates WHERE code = 'waste'),
	    240, 'low', 0, 505);

-- Public health and food control.
INSERT INTO categories (code, name_ar, name_en, directorate_id,
    sla_hours, priority, health_safety, sort) VALUES
	('food_hygiene', 'مخالفة الاشتراطات الصحية في منشأة غذائية',
	    'Hygiene violation at a food establishment',
	    (SELECT id FROM directorates WHERE code = 'health'),
	    24, 'urgent', 1, 600),
	('expired_food', 'بيع أغذية منتهية الصلاحية', 'Sale of expired food',
	    (SELECT id FROM directorates WHERE code = 'health'),
	    24, 'urgent', 1, 601),
	('unlicensed_food_vendor', 'بائع أغذية دون ترخيص',
	    'Unlicensed food vendor',
	    (SELECT id FROM directorates WHERE code = 'health'),
	    48, 'high', 0, 602);

-- Insect, rodent and reptile control.
INSERT INTO categories (code, name_ar, name_en, directorate_id,
    sla_hours, priority, health_safety, sort) VALUES
	('insects', 'حشرات (بعوض، صراصير، ذباب)',
	    'Insects (mosquitoes, cockroaches, flies)',
	    (SELECT id FROM directorates WHERE code = 'pest_control'),
	    72, 'normal', 0, 700),
	('rodents', 'قوارض (فئران وجرذان)', 'Rodents (mice, rats)',
	    (SELECT id FROM directorates WHERE code = 'pest_control'),
	    48, 'high', 0, 701),
	('snakes', 'ثعابين وزواحف', 'Snakes and reptiles',
	    (SELECT id FROM directorates WHERE code = 'pest_control'),
	    4, 'urgent', 1, 702);

-- Licences and commercial activities.
INSERT INTO categories (code, name_ar, name_en, directorate_id,
    sla_hours, priority, health_safety, sort) VALUES
	('shop_licence', 'استفسار عن ترخيص محل تجاري', 'Shop licence inquiry',
	    (SELECT id FROM directorates WHERE code = 'licences'),
	    72, 'normal', 0, 800),
	('signboard', 'لوحة إعلانية مخالفة أو دون ترخيص',
	    'Unlicensed or non-compliant signboard',
	    (SELECT id FROM directorates WHERE code = 'licences'),
	    168, 'normal', 0, 801);

-- Parks and beaches.
INSERT INTO categories (code, name_ar, name_en, directorate_id,
    sla_hours, priority, health_safety, sort) VALUES
	('park_maintenance', 'صيانة الحدائق والمتنزهات', 'Park maintenance',
	    (SELECT id FROM directorates WHERE code = 'parks'),
	    120, 'normal', 0, 900),
	('beach_cleaning', 'نظافة الشواطئ', 'Beach cleaning',
	    (SELECT id FROM directorates WHERE code = 'parks'),
	    72, 'normal', 0, 901);

-- Noise and nuisance.
INSERT INTO categories (code, name_ar, name_en, directorate_id,
    sla_hours, priority, health_safety, sort) VALUES
	('noise', 'إزعاج وضوضاء', 'Noise and nuisance',
	    (SELECT id FROM directorates WHERE code = 'inspection'),
	    72, 'normal', 0, 1000);

-- 'other' sorts last in the lists.
INSERT INTO categories (code, name_ar, name_en, directorate_id,
    sla_hours, priority, health_safety, sort) VALUES
	('other', 'أخرى', 'Other',
	    (SELECT id FROM directorates WHERE code = 'customer_service'),
	    72, 'normal', 0, 9900);
