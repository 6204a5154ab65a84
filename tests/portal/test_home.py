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


def test_it_shows_published_brands_only(client, world):
    from brands.models import BrandStatus
    from tests.brands.factories import BrandFactory

    BrandFactory(name="小板凳工作法", organization=world.haishu_committee, status=BrandStatus.PUBLISHED)
    BrandFactory(name="尚在草稿的品牌", organization=world.haishu_committee)
    html = client.get(reverse("home")).content.decode()
    assert 'id="brands-heading"' in html
    assert "小板凳工作法" in html
    assert "尚在草稿的品牌" not in html


def test_without_published_brands_it_says_they_are_coming(client, db):
    html = client.get(reverse("home")).content.decode()
    assert "发布后将在这里展示" in html


def test_the_figures_are_counted_once_then_served_from_the_cache(client, world, django_assert_num_queries):
    with django_assert_num_queries(4):
        # 1. regions per level  2. organizations  3. members  4. the featured brands
        client.get(reverse("home"))
    with django_assert_num_queries(1):
        # 1. the featured brands (a published brand shows at once)
        client.get(reverse("home"))
