"""Events' addresses, under /events/. Outside checks rely on /events/bookings/{id}/calendar.ics."""

from django.urls import path

from bluelamp.events.web import views_admin as admin
from bluelamp.events.web import views_learner as views
from bluelamp.events.web import views_pay as pay
from bluelamp.events.web import views_reports as reports
from bluelamp.events.web import views_team as team

app_name = "events"

urlpatterns = [
    path("", views.session_list, name="sessions"),
    path("sessions/<uuid:session_uuid>/", views.session_detail, name="session"),
    path("sessions/<uuid:session_uuid>/book/", views.session_book, name="session_book"),
    path("sessions/<uuid:session_uuid>/team/", team.team, name="team"),
    path("bookings/", views.booking_list, name="bookings"),
    path("bookings/<uuid:booking_uuid>/", views.booking_detail, name="booking"),
    path("bookings/<uuid:booking_uuid>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<uuid:booking_uuid>/accept/", views.booking_accept, name="booking_accept"),
    path("bookings/<uuid:booking_uuid>/calendar.ics", views.booking_calendar_file, name="booking_calendar"),
    path("bookings/<uuid:booking_uuid>/feedback/", team.feedback, name="feedback"),
    path("bookings/<uuid:booking_uuid>/pay/", pay.pay, name="pay"),
    path("bookings/<uuid:booking_uuid>/pay/card/", pay.pay_card, name="pay_card"),
    path("bookings/<uuid:booking_uuid>/pay/done/", pay.pay_done, name="pay_done"),
    path("bookings/<uuid:booking_uuid>/pay/invoice/", pay.pay_invoice, name="pay_invoice"),
    path("bookings/<uuid:booking_uuid>/receipt.pdf", pay.receipt, name="receipt"),
    path("payments/webhook/", pay.webhook, name="payment_webhook"),
    path("approvals/", team.approvals, name="approvals"),
    path("approvals/<uuid:booking_uuid>/", team.approval_decide, name="approval_decide"),
    path("reservations/<uuid:reservation_uuid>/", team.reservation, name="reservation"),
    path("training/", admin.training, name="training"),
    path("manage/", admin.manage_home, name="manage"),
    path("manage/new/", admin.event_new, name="event_new"),
    path("manage/<uuid:event_uuid>/", admin.event_manage, name="manage_event"),
    path("manage/<uuid:event_uuid>/edit/", admin.event_edit, name="event_edit"),
    path("manage/<uuid:event_uuid>/publish/", admin.event_publish, name="event_publish"),
    path("manage/<uuid:event_uuid>/sessions/new/", admin.session_new, name="session_new"),
    path("manage/sessions/<uuid:session_uuid>/", admin.session_manage, name="manage_session"),
    path("manage/sessions/<uuid:session_uuid>/edit/", admin.session_edit, name="session_edit"),
    path("manage/sessions/<uuid:session_uuid>/cancel/", admin.session_cancel, name="session_cancel"),
    path("manage/sessions/<uuid:session_uuid>/book/", admin.session_book_group, name="book_group"),
    path("manage/sessions/<uuid:session_uuid>/register/", admin.register, name="register"),
    path(
        "manage/bookings/<uuid:booking_uuid>/cancel/", admin.booking_cancel_admin, name="booking_cancel_admin"
    ),
    path("manage/courses/<uuid:course_uuid>/activity/", admin.course_activity, name="course_activity"),
    path("manage/reports/", reports.report, name="reports"),
    path("manage/finance/", reports.finance, name="finance"),
    path("manage/planning/", reports.planning, name="planning"),
    path("manage/bookings/<uuid:booking_uuid>/refund/", pay.refund_by_hand, name="refund"),
    path("manage/<uuid:event_uuid>/report/", reports.report_event, name="report_event"),
    path("manage/venues/", admin.venue_list, name="venues"),
    path("manage/venues/new/", admin.venue_new, name="venue_new"),
    path("manage/venues/<uuid:venue_uuid>/", admin.venue_detail, name="venue"),
]
