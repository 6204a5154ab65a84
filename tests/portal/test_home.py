from django.urls import reverse


def test_it_presents_the_citys_headline_figures(client, world):
    html = client.get(reverse("home")).content.decode()
    figures = {
        "区县(市)": 2,
        "社区/村": 2,
        "网格": 2,
        "党组织": 4,
        "党员": 6,
    }
    for label, value in figures.items():
        assert f'<span class="figure">{value}</span><span class="figure-label">{label}</span>' in html


def test_a_fresh_installation_says_data_is_coming_rather_than_showing_zeros(client, db):
    html = client.get(reverse("home")).content.decode()
    assert 'class="figure"' not in html
    assert "数据正在接入" in html


def test_it_tells_residents_volunteers_and_secretaries_what_they_can_do(client, db):
    html = client.get(reverse("home")).content.decode()
    for audience in ("居民", "志愿者与党员", "支部书记与工作人员"):
        assert f"{audience}</h3>" in html


def test_it_lists_brand_programs_until_the_brands_app_fills_the_slot(client, db):
    html = client.get(reverse("home")).content.decode()
    assert 'id="brands-heading"' in html
    assert "小板凳工作法" in html


def test_the_figures_are_counted_once_then_served_from_the_cache(client, world, django_assert_num_queries):
    with django_assert_num_queries(3):
        # 1. regions per level  2. organizations  3. members
        client.get(reverse("home"))
    with django_assert_num_queries(0):
        client.get(reverse("home"))
