"""Tokens through the API: list, make, look at and revoke, for a signed-in person only
(a request with a token is refused: SessionOnly)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import Refused

from . import permissions, tokens
from . import serializers as s
from .auth import SessionOnly, TokenScopePermission


class TokenPermissions:
    permission_classes = [IsAuthenticated, TokenScopePermission, SessionOnly]


class TokenList(TokenPermissions, GenericAPIView):
    serializer_class = s.ApiTokenSerializer

    @extend_schema(operation_id="tokens_list", responses=s.ApiTokenSerializer(many=True))
    def get(self, request):
        """Your tokens (HR managers: every token of the organisation, service tokens included)."""
        page = self.paginate_queryset(permissions.tokens_visible_to(request.user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="tokens_create",
        request=s.ApiTokenCreateSerializer,
        responses={201: s.ApiTokenCreatedSerializer},
    )
    def post(self, request):
        """Make your personal token, or (HR managers) a service identity's token.

        The response holds the token itself, once; only its hash is kept.
        """
        body = s.ApiTokenCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user = request.user
        if data.get("service_identity"):
            user = (
                permissions.service_identities_for(request.user)
                .filter(pk=data["service_identity"])
                .first()
            )
            if user is None:
                raise Refused(tokens.REFUSED_HOLDER, status=400)
        token, plaintext = tokens.token_create(
            actor=request.user,
            user=user,
            name=data["name"],
            scope=data["scope"],
            expires_at=data["expires_at"],
        )
        return Response(
            s.ApiTokenCreatedSerializer(token, context={"plaintext": plaintext}).data,
            status=status.HTTP_201_CREATED,
        )


class TokenDetail(TokenPermissions, APIView):
    @extend_schema(operation_id="tokens_retrieve", responses=s.ApiTokenSerializer)
    def get(self, request, pk: int):
        token = permissions.get_token_for_user(request.user, pk)
        return Response(s.ApiTokenSerializer(token).data)

    @extend_schema(operation_id="tokens_revoke", responses={200: s.ApiTokenSerializer})
    def delete(self, request, pk: int):
        """Revoke the token at once. It stays listed, marked revoked."""
        token = tokens.token_revoke(
            token=permissions.get_token_for_user(request.user, pk), actor=request.user
        )
        return Response(s.ApiTokenSerializer(token).data)
