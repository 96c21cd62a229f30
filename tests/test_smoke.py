from models import Role


def test_clerk_sees_the_letter_list_in_indonesian(client, login_as):
    login_as(Role.CLERK)
    page = client.get("/admin/letters/")
    assert page.status_code == 200
    assert "Surat" in page.get_data(as_text=True)
