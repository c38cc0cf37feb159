app_name = "basedata"

urlpatterns: list = []
