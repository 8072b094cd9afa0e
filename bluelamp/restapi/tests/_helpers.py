def results(response) -> list[dict]:
    """The items of a page of a list endpoint, after checking the page came back."""
    assert response.status_code == 200, (response.status_code, response.content[:500])
    return response.json()["results"]
