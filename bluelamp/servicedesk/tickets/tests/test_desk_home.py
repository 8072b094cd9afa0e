"""/service-desk/ itself leads somewhere: the queue for the desk's staff, support for others."""


def test_the_desk_address_leads_staff_to_the_queue_and_others_to_support(
    client, signed_in, adviser, bob, charlie
):
    assert client.get("/service-desk/")["Location"] == "/service-desk/support/"  # signed out
    assert signed_in(bob).get("/service-desk/")["Location"] == "/service-desk/support/"
    client.logout()
    assert signed_in(charlie).get("/service-desk/")["Location"] == "/service-desk/support/"  # an outsider
    client.logout()
    assert signed_in(adviser).get("/service-desk/")["Location"] == "/service-desk/queue/"
