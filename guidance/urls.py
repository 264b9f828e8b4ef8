from django.urls import path

from . import views

app_name = "guidance"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:edition>/<str:code>/", views.section, name="section"),
]
