from .navigation import nav_entries, places_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"nav_entries": nav_entries(places_for(user))}
