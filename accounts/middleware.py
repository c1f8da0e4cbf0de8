"""Nothing shown to someone signed in is kept: every response to them says
`Cache-Control: private, no-store`, so pupils' data never comes back from a shared
computer's cache or the back button after sign-out, nor from a proxy.

It sits after AuthenticationMiddleware (it asks who is signed in). Static files
(WhiteNoise) and /healthz are answered by middleware before it and never reach it."""

from django.utils.cache import patch_cache_control


class NoStoreForSignedInMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
