-- The name a resident gave when filing a case, kept with the case: the
-- customer row holds the first name known for a mobile number, so a
-- later filing with the same number rewrites nothing on earlier cases.
ALTER TABLE cases
	ADD COLUMN contact_name VARCHAR(100) NULL AFTER customer_id;

UPDATE cases c JOIN customers u ON u.id = c.customer_id
SET c.contact_name = u.name
WHERE c.contact_name IS NULL;
