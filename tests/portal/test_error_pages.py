from django.test import RequestFactory
from django.views.defaults import server_error


def test_a_missing_page_answers_404_in_the_portals_look(client, db):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html
    assert 'class="site-header"' in html
    assert 'href="/"' in html


def test_a_forbidden_page_explains_how_to_get_access(client, world):
    client.force_login(world.volunteer)
    response = client.get("/roles/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "没有访问权限" in html
    assert "请联系上级管理员" in html


def test_the_server_error_page_needs_no_context(db, django_assert_num_queries):
    # Django renders 500.html with an empty context, possibly while the database is down.
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "系统暂时出错" in html
    assert "/static/css/portal.css" in html


def test_an_expired_form_gets_a_page_in_chinese_not_djangos_english_one(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()
