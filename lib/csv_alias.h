/*
 * csv_alias.h - header aliases: names found in the collection sites'
 * exports (Chinese headers, common English variants) and the canonical
 * snake_case column each stands for.  The left side is the header after
 * normalisation: blanks trimmed, ASCII lowercased, runs of spaces, '-'
 * and '.' turned into one '_'.  Private to csv.c; listed in bloodbank.5.
 */
#ifndef CSV_ALIAS_H
#define CSV_ALIAS_H

struct csv_alias {
	const char *header;
	const char *canonical;
};

static const struct csv_alias csv_aliases[] = {
	/* Chinese headers */
	{ "姓名", "name" },
	{ "献血者姓名", "name" },
	{ "性别", "sex" },
	{ "出生日期", "birth_date" },
	{ "生日", "birth_date" },
	{ "血型", "abo" },
	{ "abo血型", "abo" },
	{ "身份证号", "national_id" },
	{ "身份证号码", "national_id" },
	{ "证件号码", "national_id" },
	{ "手机", "phone" },
	{ "手机号", "phone" },
	{ "手机号码", "phone" },
	{ "电话", "phone" },
	{ "联系电话", "phone" },
	{ "献血者编号", "donor_id" },
	{ "献血码", "din" },
	{ "献血条码", "din" },
	{ "献血日期", "collected_at" },
	{ "采血日期", "collected_at" },
	{ "采血时间", "collected_at" },
	{ "献血量", "volume_ml" },
	{ "献血类型", "kind" },
	{ "地区", "region" },
	{ "采血点", "site" },
	{ "登记日期", "registered" },
	{ "rh", "rhd" },
	{ "rh_d", "rhd" },
	{ "rh(d)", "rhd" },
	/* English variants */
	{ "donor", "donor_id" },
	{ "donorid", "donor_id" },
	{ "donor_no", "donor_id" },
	{ "donor_number", "donor_id" },
	{ "dob", "birth_date" },
	{ "date_of_birth", "birth_date" },
	{ "birthdate", "birth_date" },
	{ "birthday", "birth_date" },
	{ "gender", "sex" },
	{ "blood_group", "abo" },
	{ "bloodgroup", "abo" },
	{ "blood_type", "abo" },
	{ "bloodtype", "abo" },
	{ "abo_group", "abo" },
	{ "mobile", "phone" },
	{ "mobile_phone", "phone" },
	{ "cell", "phone" },
	{ "cellphone", "phone" },
	{ "phone_number", "phone" },
	{ "tel", "phone" },
	{ "telephone", "phone" },
	{ "id_number", "national_id" },
	{ "id_no", "national_id" },
	{ "id_card", "national_id" },
	{ "national_id_number", "national_id" },
	{ "nationalid", "national_id" },
	{ "full_name", "name" },
	{ "donor_name", "name" },
	{ "donation_number", "din" },
	{ "unit_number", "din" },
	{ "collection_date", "collected_at" },
	{ "collection_time", "collected_at" },
	{ "donation_date", "collected_at" },
	{ "collected", "collected_at" },
	{ "volume", "volume_ml" },
	{ "volume_(ml)", "volume_ml" },
	{ "donation_type", "kind" },
	{ "registration_date", "registered" },
	{ "registered_at", "registered" },
	{ "expiry", "expires_at" },
	{ "expiry_date", "expires_at" },
	{ "expires", "expires_at" },
	{ "product", "product_code" },
	{ NULL, NULL }
};

#endif
