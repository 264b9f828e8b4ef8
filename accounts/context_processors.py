from .navigation import places_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"nav_places": places_for(user)}
